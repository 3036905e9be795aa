#!/usr/bin/env bash
# Makes a copy of a release build whose wasm keeps its function names, for
# CPU profiles that name Rust functions (run.mjs --cpuprofile). It takes the
# wasm that the release build compiled (before wasm-opt, which drops the
# names), runs wasm-bindgen on it again, and puts the result under the
# hashed names of the build. The copy has no integrity attributes, since its
# files differ from the ones the hashes were made for.
#
#   scripts/bench/named-dist.sh target/bench-dist target/bench-dist-named
set -euo pipefail
from=${1:?the release build to copy}
to=${2:?the folder to write}
wasm=target/wasm32-unknown-unknown/web-release/yim.wasm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$work" "$wasm"
rm -rf "$to"
cp -r "$from" "$to"
cp "$work/yim_bg.wasm" "$to"/yim-*_bg.wasm
cp "$work/yim.js" "$(ls "$to"/yim-*.js)"
sed -i -E 's/ integrity=("[^"]*"|[^ >]*)//g' "$to/index.html"
