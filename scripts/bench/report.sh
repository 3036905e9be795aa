#!/usr/bin/env bash
# The summary page's benchmark (docs/performance.md): how long `yim report`
# takes and how much memory it holds for CASES cases (100,000 unless given)
# with three visits each, divided by province and tambon, and how large the
# page it writes is. Run with `make bench-report`.
#
# The decrypted folder is made up here (cases.csv and a visits table, as
# `yim decrypt` writes them) and kept in target/report-bench-data/.
set -euo pipefail
cd "$(dirname "$0")/../.."

CASES="${CASES:-100000}"
PROFILE=native-bench
WORK="target/report-bench-data/$CASES"
YIM="target/$PROFILE/yim"

cargo build --quiet --profile "$PROFILE" -p yim-cli --bin yim

if [[ ! -f "$WORK/done" ]]; then
    rm -rf "$WORK"
    mkdir -p "$WORK/results"
    python3 - "$WORK/results" "$CASES" <<'PY'
import random, sys
out, n = sys.argv[1], int(sys.argv[2])
random.seed(1)
areas = [("พะเยา", ["บ้านตุ่น", "แม่กา", "จำป่าหวาย", "บ้านสาง"]), ("เลย", ["นาด้วง", "กุดป่อง", "นาอาน"]),
         ("สุรินทร์", ["ในเมือง", "ตั้งใจ", "เพี้ยราม"])]
levels, risks = ["low", "medium", "high"], ["violence", "neglect", "dropout", "labour", "substances", "exploitation"]
statuses, agencies, outcomes = ["open", "open", "referred", "closed"], ["pmj", "health", "school", "police", "shelter", ""], ["waiting", "helped", "declined"]
with open(f"{out}/cases.csv", "w") as c, open(f"{out}/child-follow-up.csv", "w") as v:
    c.write("case_id,list,label,status,next_visit,province,referral_agency,referral_status,risk_level,risks,subdistrict,"
            "created,last_visit,visits,devices,responses,create_received\n")
    v.write("risk_level,next_visit,KEY,FormVersion,DeviceID,Created,Updated,Status,case_id\n")
    k = 0
    for i in range(n):
        case = "01938a00-0000-7000-8000-%012d" % i
        province, tambons = random.choice(areas)
        agency = random.choice(agencies)
        c.write(f"{case},children,เด็กคนที่ {i},{random.choice(statuses)},2026-{random.randint(9, 12):02d}-{random.randint(1, 28):02d},"
                f"{province},{agency},{random.choice(outcomes) if agency else ''},{random.choice(levels)},"
                f"{' '.join(random.sample(risks, 2))},{random.choice(tambons)},2026-01-01T00:00:00Z,2026-11-01T00:00:00Z,3,aa01,,yes\n")
        for _ in range(3):
            k += 1
            day = f"2026-{random.randint(1, 11):02d}-{random.randint(1, 28):02d}"
            v.write(f"low,2026-12-01,019ab0b2-8c60-7a11-8f00-{k:012d},1,aa01,{day}T01:00:00Z,{day}T02:00:00Z,finalized,{case}\n")
PY
    touch "$WORK/done"
fi

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
log="$(mktemp)"
/usr/bin/time -v "$YIM" report "$WORK/results" -o "$WORK/report.html" --date 2026-11-25 --by province,tambon \
    >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")"
rss="$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log")"
size="$(du -k "$WORK/report.html" | cut -f1)"
printf '%s cases, %s visits: %s wall  %s MB max RSS  %s KB page\n' "$CASES" "$((CASES * 3))" "$wall" "$rss" "$size"
rm -f "$log"
