#!/usr/bin/env bash
# Installs everything `make serve` and `make test` need on a fresh Debian
# machine with rustup, Node and npm. Every step first checks whether its tool
# is already present, so a second run takes about a second.
set -euo pipefail

cd "$(dirname "$0")/.."

TRUNK_VERSION=0.22.1
GECKODRIVER_VERSION=0.37.1
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

say() { printf 'setup: %s\n' "$*" >&2; }

# The wasm-bindgen CLI must match the library version in Cargo.lock exactly,
# so the version is read from the lock file rather than written down twice.
wasm_bindgen_version() {
    if [[ -f Cargo.lock ]]; then
        awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock
    fi
}

# 1. The WebAssembly target for the installed stable toolchain. A
#    rust-toolchain.toml is deliberately absent: the machine's stable is used.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

# 2. Debian packages: Chromium and its driver for the browser tests, age for
#    the encrypted bundles.
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver || ! -x /usr/bin/age ]]; then
    say "installing chromium, chromium-driver and age"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver age
fi

# 2a. A Thai system font: `yim report` writes a page that uses the system's
#    fonts (it carries none of its own), and its screenshots
#    (tests/e2e/report.test.js) show Thai only when the machine has one.
if [[ ! -d /usr/share/fonts/truetype/tlwg ]]; then
    say "installing fonts-thai-tlwg"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-thai-tlwg
fi

# 2b. The other two browser engines of the cross-browser route
#    (tests/browsers): Firefox ESR, and WebKitGTK's WebDriver (which brings
#    WebKitGTK and its MiniBrowser) with Xvfb, because WebKitGTK has no
#    headless mode.
if [[ ! -x /usr/bin/firefox-esr || ! -x /usr/bin/WebKitWebDriver || ! -x /usr/bin/xvfb-run ]]; then
    say "installing firefox-esr, webkit2gtk-driver and xvfb"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y firefox-esr webkit2gtk-driver xvfb
fi

# 2c. geckodriver, Firefox's WebDriver, which Mozilla publishes on crates.io.
#    Building it takes about 25 minutes on a busy two-core machine.
if [[ "$("$CARGO_BIN/geckodriver" --version 2>/dev/null | head -n 1 || true)" != "geckodriver $GECKODRIVER_VERSION"* ]]; then
    say "building geckodriver $GECKODRIVER_VERSION (this takes a while)"
    cargo install --locked "geckodriver@$GECKODRIVER_VERSION"
fi

# 3. Trunk, the bundler. Building it takes a long time, so it is only built
#    when the installed one is missing or a different version.
if [[ "$("$CARGO_BIN/trunk" --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]]; then
    say "building trunk $TRUNK_VERSION (this takes a while)"
    cargo install --locked "trunk@$TRUNK_VERSION" --ignore-rust-version
fi

# 4. The wasm-bindgen CLI, which also provides wasm-bindgen-test-runner.
WBG_VERSION="$(wasm_bindgen_version)"
WBG_VERSION="${WBG_VERSION:-0.2.130}"
if [[ "$("$CARGO_BIN/wasm-bindgen" --version 2>/dev/null || true)" != "wasm-bindgen $WBG_VERSION" ]]; then
    say "building wasm-bindgen-cli $WBG_VERSION"
    cargo install wasm-bindgen-cli --version "=$WBG_VERSION"
fi

# 4b. twiggy, which `make size` uses to say which crates and functions the
#    wasm's bytes belong to. Building it took 12 minutes on the two-core
#    machine shared with four other builds (2 minutes of CPU).
if ! "$CARGO_BIN/twiggy" --version >/dev/null 2>&1; then
    say "building twiggy"
    cargo install --locked twiggy
fi

# 5. Node packages: wasm-opt (binaryen), the Thai web font and the browser
#    driver. `npm ci` is skipped when every locked package is installed at its
#    locked version.
node_modules_current() {
    [[ -f package-lock.json && -d node_modules ]] || return 1
    node -e '
        const fs = require("fs");
        const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
        for (const [path, entry] of Object.entries(lock.packages)) {
            if (path === "") continue;
            let installed;
            try { installed = JSON.parse(fs.readFileSync(path + "/package.json", "utf8")); }
            catch { process.exit(1); }
            if (installed.version !== entry.version) process.exit(1);
        }
    '
}
if ! node_modules_current; then
    say "installing node packages"
    if [[ -f package-lock.json ]]; then
        npm ci --no-audit --no-fund
    else
        npm install --no-audit --no-fund
    fi
fi

# 6. An S3-compatible server for the intake's tests (crates/intake/tests),
#    which start it on 127.0.0.1: moto's, from PyPI, with the web server
#    extras it needs (a pure-Python install: no compiler, no cargo build).
if ! command -v moto_server >/dev/null 2>&1 \
    || ! python3 -c 'import moto, flask, flask_cors' >/dev/null 2>&1; then
    say "installing moto's S3-compatible server"
    python3 -m pip install --quiet 'moto[server]>=5.1'
fi

# 7. DuckDB's Python package, pinned: the data-office test reads the Parquet
#    tables of `yim decrypt --format parquet` with it, as an analyst would.
DUCKDB_VERSION=2.0.0
if [[ "$(python3 -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null || true)" != "$DUCKDB_VERSION" ]]; then
    say "installing duckdb $DUCKDB_VERSION for python3"
    python3 -m pip install --quiet "duckdb==$DUCKDB_VERSION"
fi

# 7b. pyxform, the reference XLSForm converter that ODK and KoboToolbox use:
#     the export tests (crates/xlsform/tests/export.rs) run its xls2xform on
#     every workbook `yim export-xlsform` writes. Pinned, so that a new
#     pyxform release cannot change what the tests accept.
PYXFORM_VERSION=4.5.0
if ! command -v xls2xform >/dev/null 2>&1 \
    || [[ "$(python3 -c 'import pyxform; print(pyxform.__version__)' 2>/dev/null || true)" != "$PYXFORM_VERSION" ]]; then
    say "installing pyxform $PYXFORM_VERSION for python3"
    python3 -m pip install --quiet "pyxform==$PYXFORM_VERSION"
fi

# 8. A data-office key for this machine, so that `make serve` seals records
#    out of the box: the identity stays in .yim/ (ignored by git, readable by
#    its owner only) and its public key is the test deployment's recipients
#    file, which the build publishes into every form. A real deployment
#    publishes with its own recipients file instead (docs/authoring.md).
if [[ ! -f .yim/office-key.txt ]]; then
    say "making this machine's test data-office key in .yim/office-key.txt"
    mkdir -p .yim
    chmod 700 .yim
    age-keygen -o .yim/office-key.txt 2>/dev/null
fi
if [[ ! -s .yim/recipients.txt ]]; then
    { echo "# The public key of .yim/office-key.txt, this machine's test data office."
      age-keygen -y .yim/office-key.txt; } > .yim/recipients.txt
fi
