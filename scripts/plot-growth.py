#!/usr/bin/env python3
"""Plots bench-growth's CSV: commit rate and store size per day, partitioned vs reference.

    python3 -m venv out/plot-venv && out/plot-venv/bin/pip install matplotlib   # once; not needed for tests
    out/plot-venv/bin/python scripts/plot-growth.py out/bench-growth.csv docs/growth.png
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(csv_path: str, png_path: str) -> None:
    days: dict[str, list[dict]] = {}
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            if row["kind"] == "day":
                days.setdefault(row["store"], []).append(row)
    fig, (rate_ax, size_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    styles = {"partitioned": ("tab:green", "o"), "reference": ("tab:gray", "s")}
    for store, rows in sorted(days.items()):
        colour, marker = styles.get(store, ("tab:blue", "^"))
        label = "partitioned by day" if store == "partitioned" else "unpartitioned (schema of migration 005)"
        x = [int(r["day"]) for r in rows]
        rate = [int(r["rows_per_s"]) / 1000 for r in rows]
        size = [
            sum(int(r[k]) for k in ("readings_table_bytes", "readings_index_bytes", "hourly_table_bytes",
                                    "hourly_index_bytes")) / 1e9 for r in rows
        ]
        index = [(int(r["readings_index_bytes"]) + int(r["hourly_index_bytes"])) / 1e9 for r in rows]
        rate_ax.plot(x, rate, marker=marker, color=colour, label=label)
        size_ax.plot(x, size, marker=marker, color=colour, label=f"{store}: heap + indexes")
        size_ax.plot(x, index, marker=marker, color=colour, linestyle="--", label=f"{store}: indexes")
    first = days.get("partitioned", [None])[0]
    if first is not None:
        rate_ax.axhline(int(first["rows_per_s"]) * 0.9 / 1000, color="tab:green", linestyle=":", linewidth=1,
                        label="goal: 90 % of partitioned day 1")
    rate_ax.set_title("HotStore.commit rate per day (fsync on)")
    rate_ax.set_xlabel("day committed")
    rate_ax.set_ylabel("thousand readings / s")
    rate_ax.set_ylim(bottom=0)
    rate_ax.legend(fontsize=8, loc="lower left")
    size_ax.set_title("readings + meter_hourly on disk after each day")
    size_ax.set_xlabel("day committed")
    size_ax.set_ylabel("GB")
    size_ax.set_ylim(bottom=0)
    size_ax.legend(fontsize=8)
    for ax in (rate_ax, size_ax):
        ax.set_xticks(sorted({int(r["day"]) for rows in days.values() for r in rows}))
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: plot-growth.py BENCH_GROWTH_CSV OUTPUT_PNG")
    main(sys.argv[1], sys.argv[2])
