# A space the engine refuses: every later command says so (ENODEV).
printf 'space iommufd aperture=0-0xfffff pgsizes=0x1000 dma-limit=5\nexpect err EINVAL\ngroup 1\nattach 1\nexpect err ENODEV\nusable\n' > s.scn
"$IOAS" sim s.scn
