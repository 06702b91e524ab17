#!/usr/bin/env python3
"""Writes samples/fleet/: one day (2024-06-01) of readings from a small dirty fleet, for the
README's run command (scripts/demo.sh). Deterministic (fixed seed); run it again only to change
the samples, and commit the CSVs it writes.

  scripts/gen-fleet-samples.py            # writes samples/fleet/*.csv

20 meters at 15-minute intervals in five files, landed in name order:
  01-feeder-north.csv     meters 1001-1008, kW, a few NULL values and a 45-minute outage (gap)
  02-feeder-south.csv     meters 2001-2008, Watts; negative spikes, a row above the 100 kW
                          limit, a malformed (short) row and a repeated row (duplicate_reading)
  03-substation-east.csv  meters 3001-3004, kW and W mixed, a +02:00 offset, column order
                          shuffled, an extra column
  04-broken-export.csv    fails permanently: the export lost its unit column
                          (missing_column:unit), quarantined at once
  05-north-corrections.csv  corrected readings of meter 1001 for 17:00-18:45, landed later:
                          they replace the first file's values (the later file wins, R-H-1)
"""
import math
import os
import random

DAY = "2024-06-01"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples", "fleet")
rng = random.Random(20240601)


def load_kw(meter, slot):
    """A household-ish profile: night base, morning bump, evening peak around 19:00 UTC."""
    h = slot / 4
    base = 0.3 + (meter % 7) * 0.05
    morning = 0.9 * math.exp(-((h - 7.5) ** 2) / 2)
    evening = 2.2 * math.exp(-((h - 19) ** 2) / 3)
    return round(base + morning + evening + rng.uniform(-0.05, 0.05), 3)


def ts(slot, offset_hours=0):
    minutes = slot * 15 + offset_hours * 60
    day_shift, minutes = divmod(minutes, 24 * 60)
    day = f"2024-06-{1 + day_shift:02d}"
    zone = "Z" if offset_hours == 0 else f"{offset_hours:+03d}:00"
    return f"{day}T{minutes // 60:02d}:{minutes % 60:02d}:00{zone}"


def write(name, lines):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        f.write("\n".join(lines) + "\n")


def north():
    lines = ["MeterID,Timestamp,ReadingValue,Unit"]
    for meter in range(1001, 1009):
        for slot in range(96):
            if meter == 1004 and slot in (40, 41, 42):
                continue  # outage: three missing slots, interpolated (45 min < 2 h)
            value = f"{load_kw(meter, slot)}"
            if (meter, slot) in ((1002, 10), (1006, 55), (1008, 80)):
                value = "NULL"
            lines.append(f"{meter},{ts(slot)},{value},kW")
    return lines


def south():
    lines = ["meter_id,timestamp,reading_value,unit"]
    for meter in range(2001, 2009):
        for slot in range(96):
            watts = round(load_kw(meter, slot) * 1000)
            if (meter, slot) in ((2002, 30), (2005, 70)):
                watts = -abs(watts)  # negative spike: rejected, its slot interpolated
            if (meter, slot) == (2007, 76):
                watts = 250_000  # 250 kW on a house: above_max
            lines.append(f"{meter},{ts(slot)},{watts},W")
            if (meter, slot) == (2003, 20):
                lines.append(f"{meter},{ts(slot)},{watts},W")  # exported twice: duplicate_reading
            if (meter, slot) == (2006, 50):
                lines.append(f"{meter},{ts(slot)}")  # truncated line: malformed_row
    return lines


def east():
    lines = ["Timestamp,Unit,Reading Value,Meter ID,Feeder"]
    for meter in range(3001, 3005):
        for slot in range(96):
            kw = load_kw(meter, slot) * 3  # small businesses
            local = ts(slot, 2)  # the substation logs in +02:00
            if slot % 2:
                lines.append(f"{local},W,{round(kw * 1000)},{meter},east-7")
            else:
                lines.append(f"{local},kW,{kw:.3f},{meter},east-7")
    return lines


def broken():
    lines = ["MeterID,Timestamp,ReadingValue"]
    for meter in (4001, 4002):
        for slot in range(8):
            lines.append(f"{meter},{ts(slot)},{load_kw(meter, slot)}")
    return lines


def corrections():
    lines = ["MeterID,Timestamp,ReadingValue,Unit"]
    for slot in range(68, 76):
        lines.append(f"1001,{ts(slot)},{round(load_kw(1001, slot) * 1.1, 3)},kW")
    return lines


def main():
    os.makedirs(OUT, exist_ok=True)
    write("01-feeder-north.csv", north())
    write("02-feeder-south.csv", south())
    write("03-substation-east.csv", east())
    write("04-broken-export.csv", broken())
    write("05-north-corrections.csv", corrections())


if __name__ == "__main__":
    main()
