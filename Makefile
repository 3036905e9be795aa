# Everything a developer or CI runs. Both entry points install what is missing
# first (scripts/setup.sh), so a fresh machine needs nothing but these two:
#   make serve   build the app and serve it on http://127.0.0.1:8080
#   make test    every test: native crates, browser unit tests, end-to-end

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

# wasm-opt from the npm package must come before any other on PATH: Debian's
# binaryen 108 produces wasm that fails to load with wasm-bindgen 0.2.130.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 120
export CARGO_TERM_COLOR ?= never

.PHONY: all setup serve build release size test-size test test-lint test-native test-wasm test-e2e test-browsers e2e-dist fuzz bench-dist bench bench-cases bench-storage bench-intake bench-office bench-report guide-shots clean-dist

all: test

setup:
	scripts/setup.sh

serve: setup
	trunk serve

build: setup
	trunk build

# The optimised build that would be shipped, in its own folder so that it
# never mixes with the debug builds.
release: setup
	trunk build --release --dist target/release-dist

# The release build's transfer size, then where its wasm's bytes are: per
# crate and the largest functions (twiggy, scripts/size-report.mjs), read
# from the module before wasm-opt drops the names.
size: release
	node scripts/size.mjs target/release-dist
	node scripts/size-report.mjs target/wasm32-unknown-unknown/web-release/yim.wasm 40

# Fails when the release build is over its budget (docs/performance.md): the
# size is the same on every machine, so it is a test, unlike the timings.
SIZE_BUDGET_KB ?= 987
test-size: release
	node scripts/size.mjs target/release-dist --budget $(SIZE_BUDGET_KB)

# Every stage runs even when an earlier one fails, so one run shows every
# failure; the target fails if any stage did.
test: setup
	status=0; \
	$(MAKE) --no-print-directory test-lint || status=1; \
	$(MAKE) --no-print-directory test-native || status=1; \
	$(MAKE) --no-print-directory test-wasm || status=1; \
	$(MAKE) --no-print-directory test-e2e || status=1; \
	$(MAKE) --no-print-directory test-browsers || status=1; \
	$(MAKE) --no-print-directory test-size || status=1; \
	exit $$status

# Formatting and clippy's warnings, for the native crates and for the app,
# which only builds for the browser.
test-lint:
	cargo fmt --all --check
	cargo clippy --workspace --exclude yim --all-targets -- -D warnings
	cargo clippy -p yim --target wasm32-unknown-unknown --all-targets -- -D warnings

# The app package only builds for the browser, so the native run leaves it out.
test-native:
	cargo test --workspace --exclude yim --no-fail-fast

test-wasm:
	cargo test -p yim --target wasm32-unknown-unknown

# The property tests of every reader of outside input (the YAML form loader,
# the expression parser, the XLSForm reader, the bundle reader) with many
# more cases than `make test` runs: tests/fuzz.rs in each crate, and the
# expression language's generated cases. docs/security.md says what they
# cover. `FUZZ_CASES=100000 make fuzz` runs longer. A failure is shrunk to a
# small input and kept in the crate's tests/*.proptest-regressions, which
# every later run tries first.
FUZZ_CASES ?= 5000
fuzz:
	PROPTEST_CASES=$(FUZZ_CASES) cargo test --no-fail-fast -p yim-form -p yim-expr -p yim-xlsform -p yim-bundle --test fuzz
	PROPTEST_CASES=$(FUZZ_CASES) cargo test -p yim-expr --test spec props::
	PROPTEST_CASES=$(FUZZ_CASES) cargo test -p yim-engine --test incremental

# The end-to-end tests use their own build, with the test forms of
# tests/e2e/forms and two generated 1,000-question forms bundled next to the
# real ones, so that dist/ never ships test forms.
E2E_DIST := target/e2e-dist
E2E_FORMS := target/e2e-forms
# The next version of the household test form, which the offline test
# publishes over the first while the app runs (tests/e2e/offline.test.js).
E2E_FORMS_V2 := target/e2e-forms-v2
# The test build itself, shared by test-e2e and test-browsers.
e2e-dist:
	node tests/e2e/big-form.js $(E2E_FORMS)
	node tests/e2e/offline-forms.js $(E2E_FORMS_V2)
	cargo build -q -p yim-cli
	YIM_FORMS=forms:tests/e2e/forms:$(E2E_FORMS) trunk build --dist $(E2E_DIST)
test-e2e: e2e-dist
	YIM_DIST=$(CURDIR)/$(E2E_DIST) YIM_FORMS_V2=$(CURDIR)/$(E2E_FORMS_V2) node --test --test-concurrency=1 tests/e2e/

# The volunteer's route in Chromium, Firefox and WebKit (tests/browsers),
# through WebDriver, against the build test-e2e made. Run alone, it makes
# that build first. `YIM_ENGINES=webkit make test-browsers` runs one engine.
test-browsers:
	if [[ ! -f $(E2E_DIST)/index.html ]]; then $(MAKE) --no-print-directory e2e-dist; fi
	cargo build -q -p yim-cli
	YIM_DIST=$(CURDIR)/$(E2E_DIST) node --test --test-concurrency=1 tests/browsers/
	# The storage unit tests in Firefox too (closed and upgraded connections,
	# conflicts between tabs), reusing test-wasm's build. The quota test is
	# left out here: Firefox asks the person before it makes storage
	# persistent, and headless Firefox never answers, so `persist()` never
	# settles; the route above records what Firefox reports instead.
	GECKODRIVER=$(HOME)/.cargo/bin/geckodriver cargo test -p yim --target wasm32-unknown-unknown --lib storage:: -- --skip the_browser_reports_usage_and_quota

# The browser benchmark (docs/performance.md): a release build with three
# generated forms and the largest XLSForm of the corpus (imported with `yim
# import`) bundled next to the real ones, in its own folder so that dist/ never
# ships them, driven in Chromium with the CPU slowed down four times. Not part
# of `make test`: it takes a few minutes and its figures depend on the machine.
BENCH_DIST := target/bench-dist
BENCH_FORMS := target/bench-forms
BENCH_XLSFORMS ?= ../shared/corpus/xlsform
bench-dist: setup
	node scripts/bench/forms.mjs $(BENCH_FORMS) $(BENCH_XLSFORMS)
	YIM_FORMS=forms:$(BENCH_FORMS) trunk build --release --dist $(BENCH_DIST)
bench: bench-dist
	node scripts/bench/run.mjs $(BENCH_DIST) $(BENCH_FORMS)

# The case list's part of the browser benchmark alone (docs/performance.md):
# the same release build, then the home page with 2,000 cases stored on the
# phone and the national follow-up form's case picker searching them, with
# the CPU slowed down four times, each the median of five runs.
bench-cases: bench-dist
	node scripts/bench/run.mjs $(BENCH_DIST) $(BENCH_FORMS) --only throttle,cases

# Prints the storage figures: saving a 200-question draft, listing 10,000
# responses by form and status, and bytes per response (headless Chromium).
bench-storage: setup
	cargo test -p yim --target wasm32-unknown-unknown --lib -- --nocapture storage::tests:: 2>&1 | grep '^storage:'

# The intake under load on loopback (docs/performance.md): 1,000 uploads of
# 100 KB bundles from 50 concurrent clients to a `yim serve` process, printing
# throughput, p50/p99 latency and the server's peak memory, and checking that
# nothing was lost or stored twice.
bench-intake: setup
	cargo test --profile native-bench -p yim-cli --test load -- --ignored --nocapture 2>&1 | grep '^intake:'

# The screenshots of the guides in Thai (docs/th/img/*.png), made again from
# the current build: Chromium at 360 px drives dist/ through the screens the
# guides describe (scripts/guide-shots.mjs). Run it when those screens
# change, look at every picture, and commit them; the next build's guides
# carry them.
guide-shots: build
	node scripts/guide-shots.mjs dist docs/th/img

clean-dist:
	rm -rf dist target/release-dist $(E2E_DIST)

# The data office's benchmark (docs/performance.md): time and peak memory of
# `yim decrypt` for 10,000 responses in one bundle and 1,000,000 in 1,000
# bundles (BUNDLES=... PER_BUNDLE=... for other sizes). Not part of `make test`.
bench-office:
	scripts/bench/office.sh

# `yim report` over a made-up decrypted folder of 100,000 cases.
bench-report:
	scripts/bench/report.sh
