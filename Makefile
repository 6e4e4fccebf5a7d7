# Thin wrapper over Meson so that the two README commands stay short.
#   make demo   setup, build, show this host's IOMMU layout (or an example)
#   make check  setup, build, the whole test suite: plain (with the kernel
#               differential suite, tests/kernel/), ASan+UBSan and valgrind
#               runs, ending with one line 'N passed, N failed, N skipped'
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
	ninja -C $(BUILD) --quiet

demo: build
	@sh scripts/demo.sh $(BUILD)/tool/ioas

$(ASAN)/build.ninja:
	CC=gcc meson setup $(ASAN) $(MESON_FLAGS) -Db_sanitize=address,undefined \
		-Db_lundef=false -Ddocs=disabled >/dev/null

test: build
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

test-asan: setup $(ASAN)/build.ninja
	ninja -C $(ASAN) --quiet
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=1 \
		meson test -C $(ASAN) --print-errorlogs --num-processes 2 \
		--no-suite kernel

valgrind: build
	meson test -C $(BUILD) --setup=valgrind --suite unit --suite failnth \
		--suite fuzz --print-errorlogs --num-processes 2

# Each run's failures are counted by summarize.py (a run that could not
# build leaves no log and counts as a failure), so keep going after one.
check: build
	@rm -f $(BUILD)/meson-logs/testlog.json \
		$(BUILD)/meson-logs/testlog-valgrind.json \
		$(ASAN)/meson-logs/testlog.json
	-@$(MAKE) --no-print-directory test
	-@$(MAKE) --no-print-directory test-asan
	-@$(MAKE) --no-print-directory valgrind
	@python3 scripts/summarize.py $(BUILD):plain $(ASAN):asan $(BUILD):valgrind

clean:
	rm -rf $(BUILD) $(ASAN)

# Benchmarks print figures; tests never time anything. Generates the IOVA
# allocator traces with ../shared/peers/gen_traces.py into $(BUILD)/traces
# and replays them all with bench/iova-replay (beside the Linux allocator
# when its source is at hand: bench/run.sh says how). BENCH_CALLGRIND=1
# adds instruction counts.
.PHONY: bench
bench: setup $(BUILD)/build.ninja
	ninja -C $(BUILD) --quiet bench/iova-replay bench/space-auto
	@sh bench/run.sh $(BUILD)
