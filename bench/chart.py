"""The old-vs-new comparison as a PNG: per endpoint, p50 and p99 latency and throughput against clients (N).

    .venv/bin/python bench/chart.py results.json docs/performance.png

Reads the JSON of `bench/run.py --compare-with REF --json PATH` (which can also draw it itself with --chart).
"""
import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display here or in CI
import matplotlib.pyplot as plt

COLORS = {"old": "tab:gray", "new": "tab:blue"}


def write_chart(results: dict, path: Path) -> None:
    compared = results["compare"]
    figure, axes = plt.subplots(len(compared), 2, figsize=(11, 3.2 * len(compared)), squeeze=False)
    labels = {"old": f"before ({results['old']['commit']})", "new": f"after ({results['new']['commit']})"}
    for (latency_axis, throughput_axis), (name, levels) in zip(axes, compared.items(), strict=True):
        clients = [int(n) for n in levels]
        for side, label in labels.items():
            rows = [levels[str(n)][side] for n in clients]
            color = COLORS[side]
            latency_axis.plot(clients, [row["p50_ms"] for row in rows], "o-", color=color, label=f"{label} p50")
            latency_axis.plot(clients, [row["p99_ms"] for row in rows], "s--", color=color, label=f"{label} p99")
            throughput_axis.plot(clients, [row["req_per_s"] for row in rows], "o-", color=color, label=label)
        latency_axis.set(xlabel="clients (N)", ylabel="latency, ms", xticks=clients)
        throughput_axis.set(xlabel="clients (N)", ylabel="throughput, requests/s", xticks=clients)
        latency_axis.set_title(f"{name}: latency", fontsize="small")
        throughput_axis.set_title(f"{name}: throughput", fontsize="small")
        throughput_axis.set_ylim(bottom=0)
        latency_axis.set_ylim(bottom=0)
        latency_axis.legend(fontsize="x-small")
        throughput_axis.legend(fontsize="x-small")
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=90)
    plt.close(figure)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", type=Path, help="the JSON of bench/run.py --compare-with REF --json PATH")
    parser.add_argument("png", type=Path, help="where to write the chart")
    args = parser.parse_args(argv)
    write_chart(json.loads(args.results.read_text()), args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
