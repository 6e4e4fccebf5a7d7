# Malformed: no-space. Nothing runs (empty stdout), exit 2.
printf '# nothing\n\n' > bad.scn
"$IOAS" sim bad.scn
