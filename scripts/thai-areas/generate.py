#!/usr/bin/env python3
"""Writes Thailand's provinces, districts and sub-districts as Yim CSV choice lists.

The data comes from the `geothai` package on PyPI (codes and names published by
the Department of Provincial Administration, with Thai and English names). The
package version is pinned so that running this script again gives the same
files; `generate.sh` beside this file installs that version into a private
virtual environment and runs the script.

The output has one file per level, each with the columns Yim reads:

    provinces.csv     name,label::th,label::en
    districts.csv     name,label::th,label::en,province
    subdistricts.csv  name,label::th,label::en,district

`name` is the official code (2, 4 and 6 digits). The last column of the
district and sub-district files is the code of the area one level up, which a
form's `choice_filter` compares with the answer to the question before it
(`province = ${province}`).
"""

import argparse
import csv
import sys
from importlib.metadata import version
from pathlib import Path

# The files in the repository were made from this release; the README beside
# them names it too. Change both together.
PINNED_VERSION = "3.2.1"


def write(path, header, rows):
    # Unix line endings and UTF-8 without a byte order mark keep the files
    # small and their diffs readable; Yim accepts either form.
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)
    print(f"wrote {path} ({len(rows)} rows)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_out = Path(__file__).resolve().parents[2] / "forms" / "national" / "areas"
    parser.add_argument("--out", type=Path, default=default_out, help="folder for the CSV files")
    args = parser.parse_args()

    try:
        import geothai
    except ImportError:
        sys.exit(f"geothai is not installed; run scripts/thai-areas/generate.sh, or pip install geothai=={PINNED_VERSION}")
    found = version("geothai")
    if found != PINNED_VERSION:
        sys.exit(f"expected geothai {PINNED_VERSION}, but found {found}; update PINNED_VERSION and the README together")

    provinces = sorted(geothai.provinces(), key=lambda p: p.code)
    districts = sorted((d for p in provinces for d in geothai.districts(p.code)), key=lambda d: d.code)
    subdistricts = sorted((s for d in districts for s in geothai.subdistricts(d.code)), key=lambda s: s.code)

    args.out.mkdir(parents=True, exist_ok=True)
    write(args.out / "provinces.csv", ["name", "label::th", "label::en"],
          [[p.code, p.name_th, p.name_en] for p in provinces])
    write(args.out / "districts.csv", ["name", "label::th", "label::en", "province"],
          [[d.code, d.name_th, d.name_en, d.province_code] for d in districts])
    write(args.out / "subdistricts.csv", ["name", "label::th", "label::en", "district"],
          [[s.code, s.name_th, s.name_en, s.district_code] for s in subdistricts])
    print(f"source: geothai {found}, data release {geothai.DATA_VERSION}")


if __name__ == "__main__":
    main()
