"""Plot of benchmarks/results/search.json (from search_bench.py): how the
costs of the Whoosh index grow with the number of documents, before and after,
with SQLite FTS5 from the same run. ``--table`` prints the tables of
docs/benchmarks.md instead (no matplotlib needed).

    pip install matplotlib   # for this script only, not a dependency of kmdesk
    python benchmarks/search_plot.py [results.json] [--out docs/search_bench.png]
    python benchmarks/search_plot.py [results.json] --table
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tables(data: dict) -> str:
    """The Markdown tables of docs/benchmarks.md."""

    def p95(stats: dict) -> str:
        return f"{stats['all']['p50_ms']:.1f} / {stats['all']['p95_ms']:.1f}"

    rows = [
        "| docs | | index, batches of 200 | rebuild | optimize | single upsert p50 / p95 |"
        " search after the batches p50 / p95 | optimized p50 / p95 | typo hits |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size in data["sizes"]:
        n = f"{size['docs']:,}"
        for name, key in (("Whoosh before", "whoosh_before"), ("Whoosh now", "whoosh")):
            if key not in size:
                continue
            w = size[key]
            up = w["single_upsert"]
            rows.append(
                f"| {n} | {name} | {w['index_s']:.2f} s ({w['segments_after_batches']} segments)"
                f" | {w['rebuild_s']:.2f} s | {w['optimize_s']:.2f} s"
                f" | {up['p50_ms']:.1f} / {up['p95_ms']:.1f} ms"
                f" | {p95(w['search_after_batches'])} ms | {p95(w['search_optimized'])} ms"
                f" | {w['search_optimized']['typo']['hit_rate'] * 100:.0f} % |"
            )
        f = size["fts5"]
        up = f["single_upsert"]
        rows.append(
            f"| {n} | SQLite FTS5 | {f['index_s']:.2f} s | | "
            f"| {up['p50_ms']:.1f} / {up['p95_ms']:.1f} ms | {p95(f['search'])} ms "
            f"| | {f['search']['typo']['hit_rate'] * 100:.0f} % |"
        )
    kinds = ["single", "two words", "prefix", "typo", "all"]
    rows += ["", "| docs | | " + " | ".join(kinds) + " |", "|---|---|" + "---|" * len(kinds)]
    for size in data["sizes"]:
        n = f"{size['docs']:,}"
        lines = [
            ("Whoosh before, after the batches", size.get("whoosh_before"), "search_after_batches"),
            ("Whoosh before, optimized", size.get("whoosh_before"), "search_optimized"),
            ("Whoosh now, after the batches", size["whoosh"], "search_after_batches"),
            ("Whoosh now, optimized", size["whoosh"], "search_optimized"),
            ("Whoosh now, optimized, 2 topics", size["whoosh"], "search_optimized_topic_filter"),
            ("SQLite FTS5", size["fts5"], "search"),
        ]
        for name, res, key in lines:
            if res is None:
                continue
            cells = [f"{res[key][k]['p50_ms']:.1f} / {res[key][k]['p95_ms']:.1f}" for k in kinds]
            rows.append(f"| {n} | {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    default = ROOT / "benchmarks" / "results" / "search.json"
    ap.add_argument("results", nargs="?", type=Path, default=default)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "search_bench.png")
    ap.add_argument("--table", action="store_true", help="print the Markdown tables instead")
    args = ap.parse_args()
    data = json.loads(args.results.read_text(encoding="utf-8"))
    if args.table:
        print(tables(data))
        return

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = data["sizes"]
    docs = [s["docs"] for s in sizes]

    def series(impl: str, get) -> list[float] | None:  # type: ignore[no-untyped-def]
        if not all(impl in s for s in sizes):
            return None
        return [get(s[impl]) for s in sizes]

    panels = [
        (
            "Indexing in batches of 200 (s)",
            [
                ("Whoosh, before", series("whoosh_before", lambda w: w["index_s"])),
                ("Whoosh, now", series("whoosh", lambda w: w["index_s"])),
                ("SQLite FTS5", series("fts5", lambda w: w["index_s"])),
            ],
        ),
        (
            "Single-document upsert, p95 (ms)",
            [
                ("Whoosh, before", series("whoosh_before", lambda w: w["single_upsert"]["p95_ms"])),
                ("Whoosh, now", series("whoosh", lambda w: w["single_upsert"]["p95_ms"])),
                ("SQLite FTS5", series("fts5", lambda w: w["single_upsert"]["p95_ms"])),
            ],
        ),
        (
            "Search p95, all query kinds (ms)",
            [
                (
                    "Whoosh before, after the batches",
                    series("whoosh_before", lambda w: w["search_after_batches"]["all"]["p95_ms"]),
                ),
                (
                    "Whoosh before, optimized",
                    series("whoosh_before", lambda w: w["search_optimized"]["all"]["p95_ms"]),
                ),
                (
                    "Whoosh now, after the batches",
                    series("whoosh", lambda w: w["search_after_batches"]["all"]["p95_ms"]),
                ),
                (
                    "Whoosh now, optimized",
                    series("whoosh", lambda w: w["search_optimized"]["all"]["p95_ms"]),
                ),
                ("SQLite FTS5", series("fts5", lambda w: w["search"]["all"]["p95_ms"])),
            ],
        ),
    ]
    styles = {
        "Whoosh, before": ("tab:red", "--"),
        "Whoosh, now": ("tab:blue", "-"),
        "SQLite FTS5": ("tab:gray", ":"),
        "Whoosh before, after the batches": ("tab:red", "--"),
        "Whoosh before, optimized": ("tab:orange", "--"),
        "Whoosh now, after the batches": ("tab:blue", "-"),
        "Whoosh now, optimized": ("tab:cyan", "-"),
    }
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    for ax, (title, lines) in zip(axes, panels, strict=True):
        for label, values in lines:
            if values is None:
                continue
            color, style = styles[label]
            ax.plot(docs, values, style, marker="o", color=color, label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(docs, [f"{n:,}" for n in docs])
        ax.minorticks_off()
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("documents")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    machine = data["machine"]
    fig.suptitle(
        f"kmclient search_bench, {data['date']}: {machine['nproc']} cores, "
        f"Python {machine['python']}, SQLite {machine['sqlite']}",
        fontsize=10,
    )
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
