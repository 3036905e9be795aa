#!/usr/bin/env bash
# The data office's benchmark (docs/performance.md): how long `yim decrypt`
# takes and how much memory it holds, for 10,000 responses in one bundle
# and for BUNDLES bundles of PER_BUNDLE responses (1,000 x 1,000 unless
# given), as CSV and as Parquet. Run with `make bench-office`.
#
# The bundles are sealed to a key made for the run (TEST ONLY) and kept in
# target/office-bench-data/, so a second run skips making them.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUNDLES="${BUNDLES:-1000}"
PER_BUNDLE="${PER_BUNDLE:-1000}"
PROFILE=native-bench
WORK=target/office-bench-data
YIM="target/$PROFILE/yim"
MAKE="target/$PROFILE/examples/make_bundles"

cargo build --quiet --profile "$PROFILE" -p yim-cli --bin yim
cargo build --quiet --profile "$PROFILE" -p yim-office --example make_bundles

# Makes a set of bundles once; the count is in the folder's name.
make_set() {
    local dir="$WORK/$1x$2"
    if [[ ! -f "$dir/done" ]]; then
        rm -rf "$dir"
        local start=$SECONDS
        "$MAKE" "$dir" "$1" "$2"
        echo "made $1 bundles of $2 responses in $((SECONDS - start)) s" >&2
        touch "$dir/done"
    fi
    echo "$dir"
}

# Times one run of `yim decrypt` with /usr/bin/time and prints one line.
measure() {
    local dir="$1" format="$2" label="$3"
    local out="$WORK/out-$format"
    rm -rf "$out"
    local log
    log="$(mktemp)"
    /usr/bin/time -v "$YIM" decrypt --format "$format" -i "$dir/test-only-key.txt" -o "$out" \
        "$dir"/bundle-*.yim.age >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
    local wall rss size
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")"
    rss="$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log")"
    size="$(du -sm "$out" | cut -f1)"
    printf '%-34s %-8s %10s wall  %6s MB max RSS  %6s MB written\n' "$label" "$format" "$wall" "$rss" "$size"
    rm -rf "$out" "$log"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
one="$(make_set 1 10000)"
many="$(make_set "$BUNDLES" "$PER_BUNDLE")"
for format in csv parquet; do
    measure "$one" "$format" "10,000 responses in 1 bundle"
    measure "$many" "$format" "$((BUNDLES * PER_BUNDLE)) responses in $BUNDLES bundles"
done
