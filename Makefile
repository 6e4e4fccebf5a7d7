# Thin wrapper over Meson so that the two README commands stay short.
#   make demo   setup, build, show this host's IOMMU layout (or an example)
#   make check  setup, build, the whole test suite (+ ASan/UBSan build)
BUILD ?= build
ASAN  ?= build-asan
MESON_FLAGS ?= -Dfail-nth=true

.PHONY: all setup build demo check test test-asan valgrind clean

all: build

setup:
	@sh scripts/setup.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_FLAGS) >/dev/null

build: setup $(BUILD)/build.ninja
	ninja -C $(BUILD) >/dev/null

demo: build
	@sh scripts/demo.sh $(BUILD)/tool/ioas

$(ASAN)/build.ninja:
	CC=gcc meson setup $(ASAN) $(MESON_FLAGS) -Db_sanitize=address,undefined \
		-Db_lundef=false -Ddocs=disabled >/dev/null

test: build
	meson test -C $(BUILD) --print-errorlogs --num-processes 2 || true

test-asan: setup $(ASAN)/build.ninja
	ninja -C $(ASAN) >/dev/null
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=1 \
		meson test -C $(ASAN) --print-errorlogs --num-processes 2 || true

valgrind: build
	meson test -C $(BUILD) --setup=valgrind --suite unit --suite failnth --suite fuzz \
		--print-errorlogs --num-processes 2 || true

check: build
	@$(MAKE) --no-print-directory test test-asan valgrind
	@python3 scripts/summarize.py $(BUILD):plain $(ASAN):asan $(BUILD):valgrind

clean:
	rm -rf $(BUILD) $(ASAN)
