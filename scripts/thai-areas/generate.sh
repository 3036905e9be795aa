#!/usr/bin/env bash
# Regenerates forms/national/areas/*.csv from the pinned geothai release. The
# package goes into a throw-away virtual environment, so nothing is installed
# system-wide and the build never needs the network: the CSV files are
# committed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$(mktemp -d)"
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "geothai==3.2.1"
"$venv/bin/python" "$here/generate.py" "$@"
