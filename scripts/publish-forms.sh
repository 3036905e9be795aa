#!/usr/bin/env bash
# Trunk runs this after every build (Trunk.toml, [[hooks]]): it publishes the
# forms into the build's `forms/` folder with `yim publish`, exactly as a
# deployment publishes them on its web host. The app reads them from there at
# run time; no form is compiled into the wasm.
#
#   YIM_FORMS       folders of forms, separated by `:` (default: forms)
#   YIM_RECIPIENTS  the deployment's recipients file (default: the test key
#                   that scripts/setup.sh made for this machine, .yim/recipients.txt)
set -euo pipefail

cd "${TRUNK_SOURCE_DIR:-$(dirname "$0")/..}"
out="${TRUNK_STAGING_DIR:?this script runs as a Trunk hook}/forms"
recipients="${YIM_RECIPIENTS:-.yim/recipients.txt}"
if [[ ! -f "$recipients" ]]; then
    echo "publish-forms: $recipients does not exist; run scripts/setup.sh to make this machine's test key, or set YIM_RECIPIENTS to the deployment's recipients file" >&2
    exit 2
fi
IFS=: read -ra folders <<< "${YIM_FORMS:-forms}"
# The CLI is built natively, next to (not inside) Trunk's wasm build.
exec cargo run --quiet -p yim-cli -- publish "${folders[@]}" -r "$recipients" -o "$out"
