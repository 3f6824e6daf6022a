# The two commands of README.md's quick start: `make run` and `make check`.
# Everything else is CMake (build/) and CTest.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= 2

.PHONY: all deps build run check check-asan check-fuzz bench bench-sweep clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS) -- --no-print-directory

run: build
	@scripts/run.sh

# Every test of the normal build (unit, API, browser), then CTest's summary.
check: build
	@mkdir -p var
	@ctest --test-dir $(BUILD) -j$(JOBS) --output-on-failure

# The unit and API tests again under AddressSanitizer and UBSan.
check-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DWARROOM_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS) -- --no-print-directory
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir $(ASAN_BUILD) -j$(JOBS) --output-on-failure -LE web

# Short libFuzzer runs of every parser harness (clang).
check-fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DWARROOM_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS) -- --no-print-directory
	@ctest --test-dir $(FUZZ_BUILD) -j$(JOBS) --output-on-failure

bench: build
	@bench/run.sh

# The edge sweeper against grep -F, rg -F, Hyperscan and cat on a generated
# 1 GiB corpus (bench/README.md); not a timed test.
bench-sweep: build
	@bench/sweep/run.sh

# The indicator store: 1M CSV and 100k STIX imports, one town's signed
# pack (bench/intel/run.sh); not a timed test.
bench-intel: build
	@bench/intel/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

# The prevention programme's figures and campaigns over a populated
# database (bench/programme/run.py); prints a table, not a timed test.
.PHONY: bench-programme
bench-programme: build
	@WARROOM_BIN=$(BUILD)/warroom WARROOM_SOURCE_DIR=. /usr/bin/python3 bench/programme/run.py


# One advisory to every SPOC and deputy of the demo data through a local
# SMTP server (bench/comms/run.py); prints a table, not a timed test.
.PHONY: bench-comms
bench-comms: build
	@WARROOM_BIN=$(BUILD)/warroom WARROOM_SOURCE_DIR=. /usr/bin/python3 bench/comms/run.py

# Routing 1,000,000 generated Shadowserver rows against the demo registry,
# and the full import (bench/vulns/run.py); prints a table, not a timed test.
.PHONY: bench-vulns
bench-vulns: build
	@WARROOM_BIN=$(BUILD)/warroom /usr/bin/python3 bench/vulns/run.py
