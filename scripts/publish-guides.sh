#!/usr/bin/env bash
# Trunk runs this after every build (Trunk.toml, [[hooks]]): it makes the
# guides in Thai (docs/th/*.md, with their screenshots in docs/th/img/) into
# pages in the build's `guides/` folder with `yim guides`. The app's home
# page links them, and the service worker keeps them for offline use
# through guides/files.json.
set -euo pipefail

cd "${TRUNK_SOURCE_DIR:-$(dirname "$0")/..}"
out="${TRUNK_STAGING_DIR:?this script runs as a Trunk hook}/guides"
# The CLI is built natively, next to (not inside) Trunk's wasm build.
exec cargo run --quiet -p yim-cli -- guides docs/th --css public/guides.css -o "$out"
