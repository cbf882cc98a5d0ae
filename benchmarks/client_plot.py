"""Plot of benchmarks/results/client_bench.json (from client_bench.py): how the
desktop client's costs grow with the number of documents, before and now,
against issue 14's goals. ``--table`` prints the table of docs/benchmarks.md
instead (no matplotlib needed).

    pip install matplotlib   # for this script only, not a dependency of kmdesk
    python benchmarks/client_plot.py [results.json] [--out docs/client_bench.png]
    python benchmarks/client_plot.py [results.json] --table
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

Result = dict[str, Any]

# (label, unit, goal, how to read it from one code version's result at one size)
MEASURES: list[tuple[str, str, float, Callable[[Result], float]]] = [
    ("cold start to a usable window", "s", 1.0, lambda r: r["cold_start"]["usable_s_median"]),
    ("peak RSS at cold start", "MiB", 250, lambda r: r["cold_start"]["rss_peak_mib_max"]),
    ("first sync in the app: browsable", "s", 5.0, lambda r: r["first_sync"]["browsable_s"]),
    ("first sync in the app: fully indexed", "s", 20.0, lambda r: r["first_sync"]["indexed_s"]),
    ("`kmclient sync`: fully indexed", "s", 20.0, lambda r: r["cli_sync"]["indexed_s"]),
    (
        "longest GUI-thread stall during the first sync",
        "ms",
        50,
        lambda r: r["first_sync"]["stall_max_ms_sync"],
    ),
    ("keystroke to the other window, median", "ms", 10, lambda r: r["keystrokes"]["median_ms"]),
]


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    return f"{value:.0f} {unit}" if value >= 20 else f"{value:.1f} {unit}"


def tables(data: Result) -> str:
    """The goal table of docs/benchmarks.md: every measure at every size."""
    rows = ["| measure | docs | before | now | goal | met? |", "|---|---|---|---|---|---|"]
    for label, unit, goal, get in MEASURES:
        for size in data["sizes"]:
            before = _fmt(get(size["before"]), unit) if "before" in size else ""
            now = get(size["now"])
            met = "yes" if now < goal else "no"
            rows.append(
                f"| {label} | {size['docs']:,} | {before} | **{_fmt(now, unit)}** "
                f"| < {_fmt(goal, unit)} | {met} |"
            )
    extra = [
        "",
        "| docs | | cold start CPU | first sync: client CPU | server CPU | stall p99 |"
        " `kmclient sync` browsable | keystroke p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in data["sizes"]:
        for name in ("before", "now"):
            if name not in size:
                continue
            r = size[name]
            f = r["first_sync"]
            extra.append(
                f"| {size['docs']:,} | {name} | {r['cold_start']['cpu_s_median']:.2f} s"
                f" | {f['cpu_indexed_s']:.1f} s | {f['server_cpu_s']:.1f} s"
                f" | {f['stall_p99_ms_sync']:.0f} ms | {r['cli_sync']['browsable_s']} s"
                f" | {r['keystrokes']['p95_ms']:.0f} ms |"
            )
    return "\n".join(rows + extra)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = ROOT / "benchmarks" / "results" / "client_bench.json"
    ap.add_argument("results", nargs="?", type=Path, default=default)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "client_bench.png")
    ap.add_argument("--table", action="store_true", help="print the Markdown table instead")
    args = ap.parse_args()
    data = json.loads(args.results.read_text(encoding="utf-8"))
    if args.table:
        print(tables(data))
        return

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    docs = [s["docs"] for s in data["sizes"]]
    fig, axes = plt.subplots(2, 4, figsize=(17, 7.5))
    for ax, (label, unit, goal, get) in zip(axes.flat, MEASURES, strict=False):
        for name, color, style in (("before", "tab:red", "--"), ("now", "tab:blue", "-")):
            if all(name in s for s in data["sizes"]):
                values = [get(s[name]) for s in data["sizes"]]
                ax.plot(docs, values, style, marker="o", color=color, label=name)
        ax.axhline(goal, color="tab:green", linestyle=":", label="goal")
        ax.set_xscale("log")
        ax.set_xticks(docs, [f"{n:,}" for n in docs])
        ax.minorticks_off()
        ax.set_ylim(bottom=0)
        ax.set_title(f"{label.replace('`', '')} ({unit})", fontsize=10)
        ax.set_xlabel("documents")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    axes.flat[-1].axis("off")
    machine = data["machine"]
    loadavg = " ".join(machine["load_at_start"]["loadavg"])
    fig.suptitle(
        f"kmclient client_bench, {machine['date']}: {machine['cores']} cores, "
        f"Python {machine['python']}, load average at start {loadavg}"
        f"; before {data['before']}, now {data['now']}",
        fontsize=10,
    )
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
