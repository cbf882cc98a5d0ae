"""How the desktop client's costs grow with the knowledge base: 1,000 to 30,000 documents.

    python benchmarks/client_bench.py --docs 1000,10000,30000 --before main
    python benchmarks/client_bench.py --docs 2000 --runs 1 --keys 40      # a quick look
    python benchmarks/client_bench.py --docs 10000 --parts cold --before main  # cold start only
    python benchmarks/client_plot.py             # docs/client_bench.png and the tables

For each size, and for the code of this checkout ("now") and, with --before,
for kmclient/ and kmserver/ as they were at a git revision (extracted and run
in the same way, in the same run, so the ratios survive a busy machine):

- the server is ``python -m kmserver serve`` in a process of its own (as in
  production), on a database holding the demo users and sample articles plus
  N generated articles of ~300 words (the corpus of search_bench.py, imported
  and published like ``kmserver import``), copied per code version;
- **kmclient sync**: the command line, fresh profile, user sara (supervisor:
  reads every document, holds every working copy): "browsable" is the time
  it prints for the sync, "indexed" the wall time of the command (process
  start to exit, the index complete);
- **cold start** (``--runs``, median): a fresh process opens the window on
  that synced profile (saved session, server up) until it is painted, built
  (what a window builds after its first paint: menus, shortcuts, side panel)
  and the tree lists every document; the process's CPU time and RSS at that moment,
  and peak RSS after 2 s more;
- **first sync with the window open** (fresh profile): to "online"
  (browsable), to "index idle"; the GUI thread's longest stall and p99 in
  between (a 10 ms timer's lateness); CPU of the process and of the server;
- **keystrokes**: two windows (olle, an owner, and sara) in one process on
  synced profiles of this size, ``--keys`` keys each way into the demo's
  parking article; the time until the other window's editor shows the key.

Every measurement is a fresh child process (``--child``); the load average and
CPU pressure before and after each are recorded. Results go to
benchmarks/results/client_bench.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

from machine_info import cpu_model, loadavg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# CLIENT_BENCH_IMPL: the checkout whose kmclient/kmserver a child process measures.
IMPL = Path(os.environ.get("CLIENT_BENCH_IMPL") or ROOT)
sys.path[:0] = [str(IMPL), str(HERE)]

USER, EDITOR, PASSWORD = "sara", "olle", "demo"  # demo users (kmclient/demo.py)
SERVE = (sys.executable, "-m", "kmserver", "serve")
SYNC = (sys.executable, "-m", "kmclient.cli", "sync", "--timeout", "3600")
KEY_DOC = "parking-residential-permit"  # a demo article olle owns
OLLE_TOPICS = ("parking", "waste")  # corpus topics whose articles olle owns


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def load() -> dict[str, Any]:
    """The machine's load now: other engineers' jobs share it."""
    out: dict[str, Any] = {"loadavg": loadavg()}
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        out["cpu_pressure_avg10"] = float(re.search(r"avg10=([\d.]+)", line).group(1))  # type: ignore[union-attr]
    except (OSError, AttributeError, IndexError):
        pass
    return out


def machine() -> dict[str, Any]:
    cpu = cpu_model() or "?"
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_at_start": load(),
    }


# -- fixtures -------------------------------------------------------------------------


def checkout(rev: str, into: Path) -> Path:
    """kmclient/, kmserver/ and resources/ as they were at ``rev``, extracted."""
    if (into / "kmclient").is_dir():
        return into
    into.mkdir(parents=True, exist_ok=True)
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "kmclient", "kmserver", "resources"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    # The resources are the package kmclient.assets once installed (pyproject.toml).
    (into / "kmclient" / "assets").symlink_to(into / "resources")
    return into


def write_corpus(directory: Path, n: int) -> None:
    """The search benchmarks' corpus as Markdown files for ``kmserver import``."""
    from search_corpus import Corpus

    directory.mkdir(parents=True, exist_ok=True)
    for doc in Corpus(n).docs:
        owner = EDITOR if set(doc.topics) & set(OLLE_TOPICS) else "karin"
        front = {
            "id": doc.doc_id,
            "title": doc.title,
            "topics": list(doc.topics),
            "audience": ["everyone"],
            "owner": owner,
        }
        lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items()]
        text = "---\n" + "\n".join(lines) + "\n---\n" + doc.body + "\n"
        (directory / f"{doc.doc_id}.md").write_text(text, encoding="utf-8")


def server_db(work: Path, n: int) -> Path:
    """The demo users and articles plus n generated ones, published (cached)."""
    path = work / f"server-{n}.db"
    if path.exists():
        return path
    from kmclient.demo import seed_database
    from kmserver.content import import_dir
    from kmserver.store.database import Database

    corpus = work / f"corpus-{n}"
    log(f"writing {n} articles and importing them into a server database")
    write_corpus(corpus, n)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    seed_database(f"sqlite:///{tmp}", story=False)
    db = Database(f"sqlite:///{tmp}")
    try:
        started = time.perf_counter()
        import_dir(db, corpus)
        log(f"  imported in {time.perf_counter() - started:.1f} s")
    finally:
        db.dispose()
    shutil.rmtree(corpus)
    tmp.rename(path)
    return path


class Server:
    """``python -m kmserver serve`` of one code version, in its own process."""

    def __init__(self, impl: Path, db: Path, log_path: Path) -> None:
        self.proc = subprocess.Popen(
            [*SERVE, "--port", "0", "--db", f"sqlite:///{db}", "--log-level", "WARNING"],
            stdout=subprocess.PIPE,
            stderr=open(log_path, "w"),  # noqa: SIM115
            text=True,
            cwd=impl,
            env=_env(impl),
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (ws://\S+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"server did not start: {line!r}; see {log_path}")
        self.url = match.group(1)

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _env(impl: Path) -> dict[str, str]:
    return {**os.environ, "CLIENT_BENCH_IMPL": str(impl), "PYTHONPATH": str(impl)}


def child(impl: Path, kind: str, **params: Any) -> dict[str, Any]:
    """Run one measurement in a fresh process of that code version."""
    before = load()
    started = time.time()
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", kind, json.dumps(params)],
        capture_output=True,
        text=True,
        env={**_env(impl), "QT_QPA_PLATFORM": "offscreen"},
        cwd=impl,
        timeout=3600,
    )
    lines = [x for x in out.stdout.splitlines() if x.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"child {kind} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    result = json.loads(lines[-1])
    result["started"] = started
    result["load_before"], result["load_after"] = before, load()
    return result


# -- measurements in child processes ------------------------------------------------


def _cpu_s(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _rss_mib() -> float:
    """Peak RSS of this process. Not ru_maxrss: Linux carries that over from the
    parent across fork and exec (the driver holds a 30k corpus: ~430 MiB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))] if values else 0.0


def _hold_gc_as_the_app_does() -> None:
    """kmclient/app.py holds garbage collection off until the first paint (code from
    before that has no kmclient.startup_gc)."""
    try:
        from kmclient import startup_gc
    except ImportError:
        return
    startup_gc.hold()


def child_cold_start(p: dict[str, Any]) -> dict[str, Any]:
    """The process was started at p's parent's clock; report when the window is usable."""
    _hold_gc_as_the_app_does()
    from kmclient.ui.shell.client_app import ClientApp  # first, as kmclient/app.py does

    from PySide6.QtCore import QEventLoop, QSettings, QTimer  # isort: skip
    from PySide6.QtWidgets import QApplication  # isort: skip

    app = QApplication(["kmclient"])
    settings = QSettings(p["settings"], QSettings.Format.IniFormat)
    client = ClientApp(app, settings)
    window = client.open_window(p["url"], p["user"], None, Path(p["profile"]))
    painted: list[float] = []
    QTimer.singleShot(0, lambda: painted.append(time.time()))
    # A window built in stages is usable once the last one has run (menus, shortcuts).
    built = getattr(window, "is_built", lambda: True)
    while not painted or not built():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    window.repaint()
    usable, cpu, rss = time.time(), _cpu_s(), _rss_mib()
    docs = window.model.doc_count()
    deadline = time.monotonic() + 120
    while window.engine.status.state != "online" and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    online = time.time()
    settle = time.monotonic() + 2
    while time.monotonic() < settle:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    result = {
        "usable": usable,
        "online": online,
        "cpu_s": cpu,
        "docs_in_tree": docs,
        "rss_usable_mib": rss,
        "rss_peak_mib": _rss_mib(),
    }
    client.shutdown()
    return result


def child_first_sync(p: dict[str, Any]) -> dict[str, Any]:
    _hold_gc_as_the_app_does()
    from gui_stalls import StallMeter
    from PySide6.QtCore import QEventLoop, QSettings
    from PySide6.QtWidgets import QApplication

    from kmclient.ui.shell.client_app import ClientApp

    app = QApplication(["kmclient"])
    profile_dir = Path(p["profile"])
    settings = QSettings(p["settings"], QSettings.Format.IniFormat)
    client = ClientApp(app, settings)
    ticker = StallMeter()
    stalls = ticker.stalls
    cpu0 = _cpu_s()
    started = time.perf_counter()
    window = client.open_window(p["url"], p["user"], PASSWORD, profile_dir)
    ticker.start()

    def wait(cond, timeout: float) -> None:  # type: ignore[no-untyped-def]
        # Sleep between events as app.exec() does (the stall meter's ticks wake it every
        # 10 ms): a polling loop kept the GUI thread busy and held the GIL from the
        # client's other threads (the connection, the indexer, the store writer).
        end = time.monotonic() + timeout
        while not cond() and time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        if not cond():
            raise TimeoutError("first sync did not finish")

    # Browsable: online, and the tree lists what the sync brought.
    wait(lambda: window.engine.status.state == "online" and window.tree_up_to_date(), 1800)
    online = time.perf_counter() - started
    cpu_online = _cpu_s() - cpu0
    during = list(stalls)
    wait(lambda: window.engine.index_progress.idle, 3600)
    indexed = time.perf_counter() - started
    ticker.stop()
    result = {
        "browsable_s": online,
        "indexed_s": indexed,
        "cpu_browsable_s": cpu_online,
        "cpu_indexed_s": _cpu_s() - cpu0,
        "stall_max_ms_sync": max(during, default=0),
        # The first tick waited for the window to open (before the sync began).
        "stall_window_open_ms": during[0] if during else 0,
        "stall_max_ms_sync_after_open": max(during[1:], default=0),
        "stall_p99_ms_sync": _pct(during, 99),
        "stall_max_ms_indexing": max(stalls[len(during) :], default=0),
        "stall_p99_ms_indexing": _pct(stalls[len(during) :], 99),
        "docs_in_tree": window.model.doc_count(),
        "rss_peak_mib": _rss_mib(),
    }
    client.shutdown()
    result["cpu_children_s"] = _cpu_s(resource.RUSAGE_CHILDREN)
    result["rss_children_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


def child_keystrokes(p: dict[str, Any]) -> dict[str, Any]:
    """Both windows live in this process: each key's latency includes both GUIs' work."""
    from PySide6.QtCore import QEvent, QEventLoop, QSettings, Qt
    from PySide6.QtGui import QKeyEvent, QTextCursor
    from PySide6.QtWidgets import QApplication

    from kmclient.ui.shell.client_app import ClientApp

    app = QApplication(["kmclient"])
    settings = QSettings(p["settings"], QSettings.Format.IniFormat)
    client = ClientApp(app, settings)
    windows = [
        client.open_window(p["url"], user, None, Path(profile))
        for user, profile in (("olle", p["olle"]), ("sara", p["sara"]))
    ]

    def wait(cond, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + timeout
        while not cond() and time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 1)
        if not cond():
            raise TimeoutError("benchmark condition not reached")

    for w in windows:
        wait(lambda w=w: w.engine.status.state == "online", 600)
        wait(lambda w=w: w.engine.index_progress.idle, 600)
        w.open_doc(KEY_DOC)
        w.doc_view.set_editing(True)
    a, b = windows
    wait(lambda: bool(a.doc_view.awareness.peers()) and bool(b.doc_view.awareness.peers()))
    latencies: dict[str, list[float]] = {"olle->sara": [], "sara->olle": []}
    text = "Hej å ä ö 😀 "
    cpu0 = _cpu_s()
    for direction, (src, dst) in (("olle->sara", (a, b)), ("sara->olle", (b, a))):
        editor = src.doc_view.editor
        cursor = editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        editor.setTextCursor(cursor)
        for i in range(p["keys"]):
            ch = text[i % len(text)]
            started = time.perf_counter()
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    editor, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
                )
            wait(lambda d=dst, e=editor: d.doc_view.editor.toPlainText() == e.toPlainText())
            latencies[direction].append((time.perf_counter() - started) * 1000)
            pause = time.monotonic() + p["pause"]  # 0: the next key as soon as this one is seen
            while time.monotonic() < pause:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    cpu = _cpu_s() - cpu0
    client.shutdown()
    out: dict[str, Any] = {"keys": p["keys"], "cpu_s": cpu}
    every: list[float] = []
    for direction, values in latencies.items():
        every += values
        out[direction] = {
            "median_ms": statistics.median(values),
            "p95_ms": _pct(values, 95),
            "max_ms": max(values),
        }
    out["median_ms"] = statistics.median(every)
    out["p95_ms"] = _pct(every, 95)
    return out


CHILDREN = {"cold": child_cold_start, "sync": child_first_sync, "keys": child_keystrokes}


# -- the driver ---------------------------------------------------------------------


def cli_sync(impl: Path, url: str, user: str, profile_dir: Path) -> dict[str, Any]:
    """``kmclient sync`` into a fresh profile: its own figure and the profile it leaves."""
    shutil.rmtree(profile_dir, ignore_errors=True)
    before = load()
    t0 = time.perf_counter()
    usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [*SYNC, "--server", url, "--user", user, "--password-stdin", "--profile", str(profile_dir)],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=impl,
        env=_env(impl),
        timeout=7200,
    )
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise RuntimeError(f"kmclient sync failed: {out.stderr[-2000:]}")
    match = re.search(r"documents .* in ([\d.]+) s", out.stdout)
    return {
        "browsable_s": float(match.group(1)) if match else None,
        "indexed_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime,
        "output": out.stdout.strip(),
        "load_before": before,
        "load_after": load(),
    }


def measure(impl: Path, n: int, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement of one code version at one size."""
    work.mkdir(parents=True, exist_ok=True)
    db = work / "server.db"
    shutil.copyfile(server_db(args.work, n), db)
    server = Server(impl, db, work / "server.log")
    res: dict[str, Any] = {}
    settings = str(work / "settings.ini")
    try:
        log(f"  kmclient sync ({USER})")
        cpu0 = server.cpu_s()
        res["cli_sync"] = cli_sync(impl, server.url, USER, work / "profile-sara")
        res["cli_sync"]["server_cpu_s"] = server.cpu_s() - cpu0
        log(f"    {res['cli_sync']['output']}")
        if "keys" in args.parts:
            cli_sync(impl, server.url, EDITOR, work / "profile-olle")  # for the keystrokes

        runs = []
        for i in range(args.runs if "cold" in args.parts else 0):
            log(f"  cold start {i + 1}/{args.runs}")
            r = child(
                impl,
                "cold",
                url=server.url,
                user=USER,
                profile=str(work / "profile-sara"),
                settings=settings,
            )
            r["usable_s"] = r["usable"] - r["started"]
            r["online_s"] = r["online"] - r["started"]
            runs.append(r)
        res["cold_start"] = runs and {
            "runs": runs,
            "usable_s_median": statistics.median(r["usable_s"] for r in runs),
            "cpu_s_median": statistics.median(r["cpu_s"] for r in runs),
            "rss_usable_mib_max": max(r["rss_usable_mib"] for r in runs),
            "rss_peak_mib_max": max(r["rss_peak_mib"] for r in runs),
            "docs_in_tree": runs[0]["docs_in_tree"],
        }

        if "sync" not in args.parts:
            return res
        log("  first sync with the window open")
        fresh = work / "profile-first-sync"
        shutil.rmtree(fresh, ignore_errors=True)
        cpu0 = server.cpu_s()
        res["first_sync"] = child(
            impl, "sync", url=server.url, user=USER, profile=str(fresh), settings=settings
        )
        res["first_sync"]["server_cpu_s"] = server.cpu_s() - cpu0
        shutil.rmtree(fresh, ignore_errors=True)

        if "keys" not in args.parts:
            return res
        log("  keystrokes")
        res["keystrokes"] = child(
            impl,
            "keys",
            url=server.url,
            olle=str(work / "profile-olle"),
            sara=str(work / "profile-sara"),
            keys=args.keys,
            pause=args.key_pause,
            settings=settings,
        )
    finally:
        server.stop()
    return res


def summary(name: str, n: int, r: dict[str, Any]) -> str:
    """One line per code version and size, of the parts that were measured."""
    s = r["cli_sync"]
    parts = [f"{n:>6} {name:<6} cli {s['browsable_s']} / {s['indexed_s']:.1f} s"]
    if c := r.get("cold_start"):
        runs = ", ".join(f"{x['usable_s']:.2f}" for x in c["runs"])
        parts.append(
            f"cold {c['usable_s_median']:.2f} s ({runs}; cpu {c['cpu_s_median']:.2f}),"
            f" rss {c['rss_peak_mib_max']:.0f} MiB"
        )
    if f := r.get("first_sync"):
        parts.append(
            f"first sync {f['browsable_s']:.1f} / {f['indexed_s']:.1f} s,"
            f" stall {f['stall_max_ms_sync']:.0f} ms (opening {f['stall_window_open_ms']:.0f},"
            f" after {f['stall_max_ms_sync_after_open']:.0f}, p99 {f['stall_p99_ms_sync']:.0f})"
        )
    if k := r.get("keystrokes"):
        parts.append(f"keys {k['median_ms']:.1f} ms")
    return " | ".join(parts)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        result = CHILDREN[sys.argv[2]](json.loads(sys.argv[3]))
        print(json.dumps(result), flush=True)
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", default="1000,10000,30000", help="sizes, comma-separated")
    ap.add_argument("--before", metavar="REV", help="also measure the code at this git revision")
    ap.add_argument("--runs", type=int, default=3, help="cold starts per size")
    ap.add_argument("--keys", type=int, default=100, help="keystrokes each way")
    ap.add_argument("--key-pause", type=float, default=0.0, help="seconds between keys")
    ap.add_argument(
        "--parts",
        type=lambda v: set(v.split(",")),
        default={"cold", "sync", "keys"},
        help="what to measure after the CLI sync, comma-separated: cold,sync,keys (all)",
    )
    ap.add_argument("--work", type=Path, default=Path("/tmp/kmclient-client-bench"))
    ap.add_argument("--out", type=Path, default=HERE / "results" / "client_bench.json")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    impls: list[tuple[str, Path]] = []
    if args.before:
        rev = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", args.before],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        impls.append(("before", checkout(rev, args.work / f"code-{rev}")))
    impls.append(("now", ROOT))
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    report: dict[str, Any] = {
        "machine": machine(),
        "now": head,
        "before": args.before and impls[0][1].name.removeprefix("code-"),
        "sizes": [],
    }
    lines = []
    for n in (int(x) for x in args.docs.split(",")):
        size: dict[str, Any] = {"docs": n}
        for name, impl in impls:
            log(f"{n} documents, {name} ({impl})")
            size[name] = measure(impl, n, args.work / f"{name}-{n}", args)
            lines.append(summary(name, n, size[name]))
            log(lines[-1])
        report["sizes"].append(size)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    report["machine"]["load_at_end"] = load()
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
