#!/usr/bin/env bash
# The data office's benchmark (docs/performance.md): how long `yim decrypt`
# takes and how much memory it holds, for 10,000 responses in one bundle
# and for BUNDLES bundles of PER_BUNDLE responses (1,000 x 1,000 unless
# given), as CSV and as Parquet. Run with `make bench-office`.
#
# Then `yim pull` of the same bundles from an intake's folder, over HTTP from
# `yim serve`, and from an S3-compatible bucket (moto's server, which
# scripts/setup.sh installs, on 127.0.0.1), with the time and the memory
# each pull held: a pull streams every bundle to disk, so its memory stays
# the same whatever the number and size of the bundles.
#
# The bundles are sealed to a key made for the run (TEST ONLY) and kept in
# target/office-bench-data/, so a second run skips making them.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUNDLES="${BUNDLES:-1000}"
# Which outputs `yim decrypt` writes, and whether the pulls are timed.
FORMATS="${FORMATS:-csv parquet}"
PULL="${PULL:-yes}"
PER_BUNDLE="${PER_BUNDLE:-1000}"
PROFILE=native-bench
WORK=target/office-bench-data
YIM="target/$PROFILE/yim"
MAKE="target/$PROFILE/examples/make_bundles"
STAGE="target/$PROFILE/examples/stage_store"

cargo build --quiet --profile "$PROFILE" -p yim-cli --bin yim
cargo build --quiet --profile "$PROFILE" -p yim-office --example make_bundles
cargo build --quiet --profile "$PROFILE" -p yim-intake --example stage_store

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

# Runs a command under /usr/bin/time -v (its output thrown away), then
# prints one line: LABEL and KIND, the wall time, the processor time (user
# and system), the peak memory and the size of OUTPUT, the folder it wrote.
# On a machine shared with other work the wall time stretches with the load
# while the processor time does not, so the two together say what the run
# would take alone: about the processor time over the cores it kept busy.
timed() {
    local label="$1" kind="$2" output="$3"
    shift 3
    local log
    log="$(mktemp)"
    /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
    local wall cpu rss size
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")"
    cpu="$(awk -F': ' '/User time|System time/ {t += $2} END {printf "%.1f", t}' "$log")"
    rss="$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log")"
    size="$(du -sm "$output" | cut -f1)"
    printf '%-34s %-8s %10s wall  %7s s CPU  %6s MB max RSS  %6s MB written\n' \
        "$label" "$kind" "$wall" "$cpu" "$rss" "$size"
    rm -f "$log"
}

# Times one run of `yim decrypt` and prints one line.
measure() {
    local dir="$1" format="$2" label="$3"
    local out="$WORK/out-$format"
    rm -rf "$out"
    timed "$label" "$format" "$out" \
        "$YIM" decrypt --format "$format" -i "$dir/test-only-key.txt" -o "$out" "$dir"/bundle-*.yim.age
    rm -rf "$out"
}

# Times one `yim pull --from SOURCE` into an empty inbox and prints one line;
# the inbox must then hold every bundle given.
measure_pull() {
    local source="$1" label="$2" expected="$3"
    local inbox="$WORK/pulled"
    rm -rf "$inbox"
    timed "$label" pull "$inbox" "$YIM" pull --from "$source" -o "$inbox"
    local count
    count="$(find "$inbox" -name '*.age' | wc -l)"
    if [[ "$count" != "$expected" ]]; then
        echo "the pull from $source gave $count bundles, not $expected" >&2
        exit 1
    fi
    rm -rf "$inbox"
}

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Sends an HTTP request (method $1 to $2) and succeeds on any answer, trying
# again for at most a minute while nothing listens yet.
http() {
    python3 - "$1" "$2" <<'PY'
import sys, time, urllib.request, urllib.error
method, url = sys.argv[1], sys.argv[2]
for _ in range(300):
    try:
        urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=5)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(f"nothing answered at {url} within a minute")
PY
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
one="$(make_set 1 10000)"
many="$(make_set "$BUNDLES" "$PER_BUNDLE")"
for format in $FORMATS; do
    measure "$one" "$format" "10,000 responses in 1 bundle"
    measure "$many" "$format" "$((BUNDLES * PER_BUNDLE)) responses in $BUNDLES bundles"
done

[[ "$PULL" == yes ]] || exit 0

# The pulls. The folder store is staged once and kept; the bucket lives in
# moto's memory, so it is staged on every run.
for set in "$one" "$many"; do
    store="$set/intake"
    if [[ ! -f "$store/done" ]]; then
        rm -rf "$store"
        "$STAGE" "$store" "$set"/bundle-*.yim.age
        touch "$store/done"
    fi
done
count_one=1
count_many="$BUNDLES"
measure_pull "$one/intake" "1 bundle of 10,000, from a folder" "$count_one"
measure_pull "$many/intake" "$BUNDLES bundles, from a folder" "$count_many"

port="$(free_port)"
token="bench-pull-token-$RANDOM$RANDOM"
tokens="$WORK/tokens.txt"
printf 'office pull %s\n' "$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)" >"$tokens"
"$YIM" serve --store "$many/intake" --tokens "$tokens" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null || true' EXIT
http GET "http://127.0.0.1:$port/"
YIM_PULL_TOKEN="$token" measure_pull "http://127.0.0.1:$port" "$BUNDLES bundles, over HTTP" "$count_many"
kill "$serve_pid"
wait "$serve_pid" 2>/dev/null || true

port="$(free_port)"
moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null || true' EXIT
http GET "http://127.0.0.1:$port/"
http PUT "http://127.0.0.1:$port/yim-bench"
export AWS_ENDPOINT="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
    AWS_REGION=us-east-1 AWS_ALLOW_HTTP=true
"$STAGE" s3://yim-bench/one "$one"/bundle-*.yim.age
"$STAGE" s3://yim-bench/many "$many"/bundle-*.yim.age
measure_pull s3://yim-bench/one "1 bundle of 10,000, from a bucket" "$count_one"
measure_pull s3://yim-bench/many "$BUNDLES bundles, from a bucket" "$count_many"
kill "$moto_pid"
wait "$moto_pid" 2>/dev/null || true
