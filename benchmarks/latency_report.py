"""Pooling, ratios and the printed table of the edit-latency benchmark."""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
from pathlib import Path

from latency_common import summarize
from latency_servers import node_version
from machine_info import cpu_model, loadavg


def _merge_counts(dicts: list[dict]) -> dict:
    out: dict = {}
    for d in dicts:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


def machine_info(args) -> dict:
    model = cpu_model()
    mem = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1])
    from importlib.metadata import version

    import pycrdt  # noqa: F401
    import websockets

    node = args.node or shutil.which("node")
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "mem_total_kib": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "node": node_version(node) if node else None,
        "websockets": websockets.__version__,
        "pycrdt": version("pycrdt"),
        "loadavg_at_start": loadavg(),
    }


def fmt(v, nd=1) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def ratio(a, b) -> float | None:
    if a is None or b in (None, 0):
        return None
    return round(a / b, 2)


def _pct(seconds: float | None, duration: float) -> float | None:
    return None if seconds is None else 100.0 * seconds / duration


def print_table(doc: dict) -> None:
    cfg = doc["config"]
    print()
    clients = ",".join(str(c) for c in cfg["clients"])
    print(
        f"Edit propagation latency, Yjs sync protocol: {cfg['rooms']} rooms x "
        f"{clients} clients, 1 edit / {cfg['interval_ms']:g} ms / room, "
        f"{cfg['duration_s']:g} s measured after {cfg['warmup_s']:g} s warm-up"
    )
    print("latency = writer send -> LAST other client of the room applied it (ms)")
    hdr = (
        f"{'target':<10} {'C':>3} {'rnd':>3} {'sent':>6} {'deliv':>6} {'lost':>5} {'p50':>7} "
        f"{'p95':>7} {'p99':>7} {'max':>7} {'srvCPU%':>7} {'main%':>6} {'CPU s':>6} {'peakRSS':>8} "
        f"{'srvWait%':>8} {'cliCPU%':>7} {'lag p99':>7} {'PSI%':>5}"
    )
    print(hdr)
    print("-" * len(hdr))
    for r in doc["runs"]:
        if "error" in r or "skipped" in r:
            why = r.get("error") or r.get("skipped")
            print(
                f"{r['target']:<10} {r.get('clients_per_room', '-'):>3} {r['round']:>3}  "
                f"{'SKIPPED' if 'skipped' in r else 'FAILED'}:"
                f" {why.splitlines()[0][:90]}"
            )
            continue
        lat, ed, sv, cl = r["latency_ms"], r["edits"], r["server"], r["clients"]
        print(
            f"{r['target']:<10} {r['clients_per_room']:>3} {r['round']:>3} {ed['sent']:>6} "
            f"{ed['delivered']:>6} "
            f"{ed['lost']:>5} {fmt(lat['p50'], 2):>7} {fmt(lat['p95'], 2):>7} "
            f"{fmt(lat['p99'], 2):>7} {fmt(lat['max'], 1):>7} "
            f"{fmt(sv['cpu_pct_of_one_core']):>7} "
            f"{fmt(sv.get('main_thread_cpu_pct_of_one_core')):>6} {fmt(sv['cpu_s_total'], 2):>6} "
            f"{fmt(sv['peak_rss_kib'] and sv['peak_rss_kib'] / 1024, 1):>6}Mi "
            f"{fmt(_pct(sv['runqueue_wait_s_measured_window'], cfg['duration_s'])):>8} "
            f"{fmt(cl['client_cpu_pct_of_one_core']):>7} "
            f"{fmt(cl['event_loop_lag_ms']['p99'], 1):>7} "
            f"{fmt(r['machine_load']['cpu_pressure_some_pct_measured_window'], 0):>5}"
        )
    if doc["config"]["rounds"] > 1:
        for key, by_target in doc["summary"].items():
            for target, sm in by_target.items():
                if not sm:
                    continue
                lat = sm["latency_ms"]
                print(
                    f"{target:<10} {key.split('=')[1]:>3} {'all':>3} {sm['sent']:>6} "
                    f"{sm['sent'] - sm['lost']:>6} "
                    f"{sm['lost']:>5} {fmt(lat['p50'], 2):>7} {fmt(lat['p95'], 2):>7} "
                    f"{fmt(lat['p99'], 2):>7} {fmt(lat['max'], 1):>7} "
                    f"{fmt(sm['server_cpu_pct_of_one_core']):>7}   (pooled over rounds)"
                )
    notes = [
        f"  {r['target']} C={r.get('clients_per_room')} round {r['round']}: {w}"
        for r in doc["runs"]
        for w in r.get("warnings", [])
    ]
    if notes:
        print()
        print("WARNINGS:")
        print("\n".join(notes))
    if doc.get("ratios"):
        print()
        print(
            "kmserver / reference (pooled over rounds; goal: p99 <= 1.5 x the best of node and "
            "hocuspocus, CPU <= 2 x node):"
        )
        for key, by_target in doc["ratios"].items():
            for target, rt in by_target.items():
                shown = "  ".join(
                    f"{k} {_fmt_each(v)}" for k, v in rt.items() if not k.startswith("goal")
                )
                print(f"  {key} {target}: {shown}")
    print()
    print("Measured window: srvCPU% = server CPU time / wall time (100 = one core), main% the")
    print("part of it on the main thread (event loop; Node's JavaScript thread); srvWait% =")
    print("time server threads were runnable but waited for a CPU (others' load); cliCPU%, lag")
    print("p99 = client process CPU and asyncio loop lag (ms); PSI% = share of time some task on")
    print("the machine waited for CPU (/proc/pressure/cpu). CPU s = server CPU s, whole run.")


def _fmt_each(value: float | list | None) -> str:
    """One figure, or one per round (the disk floor is measured before each run)."""
    if isinstance(value, list):
        return ", ".join(fmt(v, 2) for v in value)
    return fmt(value, 2)


def pooled(runs: list[dict], target: str, clients: int | None = None) -> dict | None:
    ok = [
        r
        for r in runs
        if r["target"] == target
        and "latency_ms" in r
        and (clients is None or r["clients_per_room"] == clients)
    ]
    if not ok:
        return None
    # percentiles of the pooled raw latencies of all rounds (run['_last_ms'], not in JSON)
    last = [x for r in ok for x in r["_last_ms"]]
    s = summarize(last)
    return {
        "rounds": len(ok),
        "latency_ms": s,
        "sent": sum(r["edits"]["sent"] for r in ok),
        "lost": sum(r["edits"]["lost"] for r in ok),
        "server_cpu_pct_of_one_core": round(
            sum(r["server"]["cpu_pct_of_one_core"] or 0 for r in ok) / len(ok), 1
        ),
        "server_cpu_s_total": round(sum(r["server"]["cpu_s_total"] or 0 for r in ok) / len(ok), 3),
        "server_peak_rss_kib": max(
            (r["server"]["peak_rss_kib"] for r in ok if r["server"]["peak_rss_kib"]), default=None
        ),
    }
