#!/usr/bin/env python3
"""Writes a generated day of a larger meter fleet as CSV files, for scripts/dashboard-screenshot.sh:
a grid-load curve with a morning bump and an evening peak, spread over FILES files of whole meters.

  scripts/gen-dashboard-fleet.py OUT_DIR [--meters 5000] [--files 50] [--day 2024-06-01] [--seed 1]

Deterministic for a seed. One extra file, zz-missing-meter-column.csv, lost its meter column and is
quarantined (missing_column:meterid), so the quarantine list has a second reason besides the
samples' missing_column:unit.
"""
import argparse
import math
import os
import random

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--meters", type=int, default=5000)
p.add_argument("--files", type=int, default=50)
p.add_argument("--day", default="2024-06-01")
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
rng = random.Random(a.seed)
os.makedirs(a.out, exist_ok=True)


def kw(meter, slot, kind):
    h = slot / 4
    base = 0.25 + (meter % 11) * 0.03
    morning = 0.8 * math.exp(-((h - 7.25) ** 2) / 1.8)
    evening = 2.4 * math.exp(-((h - 18.75) ** 2) / 2.6)
    midday = 0.5 * math.exp(-((h - 12.5) ** 2) / 4) if kind == 1 else 0
    return max(0.01, base + morning + evening + midday + rng.uniform(-0.08, 0.08))


per_file = max(1, a.meters // a.files)
for f in range(a.files):
    first = 100000 + f * per_file
    meters = range(first, first + per_file)
    with open(os.path.join(a.out, f"fleet-{f:03d}.csv"), "w") as out:
        out.write("MeterID,Timestamp,ReadingValue,Unit\n")
        for m in meters:
            kind = m % 3
            for slot in range(96):
                out.write(f"{m},{a.day}T{slot // 4:02d}:{slot % 4 * 15:02d}:00Z,{kw(m, slot, kind):.3f},kW\n")
with open(os.path.join(a.out, "zz-missing-meter-column.csv"), "w") as out:
    out.write("Timestamp,ReadingValue,Unit\n")
    for slot in range(8):
        out.write(f"{a.day}T{slot // 4:02d}:{slot % 4 * 15:02d}:00Z,1.0,kW\n")
