"""Benchmarks of the desktop UI: cold start with a large cached profile, the first sync
of a large profile with the window open (is the GUI thread free?), and keystroke-to-
remote-screen latency between two windows.

    python benchmarks/ui_bench.py                    # 10,000 documents, offscreen
    python benchmarks/ui_bench.py --docs 2000 --keystrokes 100

Runs offscreen (QT_QPA_PLATFORM=offscreen) unless DISPLAY is set and --onscreen
is given. A real kmserver (the demo server class, embedded on 127.0.0.1) serves
a generated corpus; the profile is synced once by the engine and cached under
--work, so reruns measure only the UI. Prints a summary and writes
benchmarks/results/ui.json.

What is measured:

- cold start: a fresh Python process until the window is shown, painted and
  lists every document (the usable window), with the server up; time to
  "online" after that; peak RSS of the process (ru_maxrss).
- first sync: a window on an empty profile syncing every document; wall time
  to "online", to "index idle", and the GUI thread's longest stall in between
  (a 10 ms timer's worst lateness) - the UI must stay usable meanwhile.
- keystrokes: two windows (olle and sara, two engines, two sockets, one
  process and GUI thread) editing one document; for each key typed in one
  editor, the time until the other editor shows it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine_info import cpu_model

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOPICS = (
    "parking",
    "waste",
    "payments",
    "building-permits",
    "school",
    "elderly-care",
    "general",
)
_WORD_LIST = (
    "ansökan avgift avfall återvinning överklaga beslut bygglov boende parkering tillstånd "
    "hämtning sophämtning kärl matavfall grovsopor skola förskola fritidshem elev skolskjuts "
    "hemtjänst äldreboende färdtjänst faktura betalning påminnelse kommun handläggare ärende "
    "e-tjänst gata trafik snöröjning bibliotek öppettider helgdag adress folkbokföring flytt "
    "permit fee application decision appeal collection bin school transport invoice refund "
    "payment plan reminder opening hours citizen resident vehicle zone registration service"
)
WORDS = _WORD_LIST.split()


def machine() -> dict[str, object]:
    cpu = cpu_model() or platform.processor() or ""
    import PySide6

    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "pyside6": PySide6.__version__,
        "platform": platform.platform(),
        "qpa": os.environ.get("QT_QPA_PLATFORM", "default"),
    }


# -- fixtures: a server database and a synced profile, cached -------------------------


def make_corpus(directory: Path, n: int) -> None:
    rng = random.Random(42)
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        owner = "olle" if topic in ("parking", "waste", "payments") else "karin"
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}"
        paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(5)
        ]
        body = f"# {title}\n\n" + "\n\n## Detaljer\n\n".join(paragraphs) + "\n"
        (directory / f"doc-{i:05d}.md").write_text(
            f"---\nid: doc-{i:05d}\ntitle: {title}\ntopics: [{topic}]\n"
            f"audience: [everyone]\nowner: {owner}\n---\n{body}",
            encoding="utf-8",
        )


def prepare_server_db(work: Path, n: int) -> Path:
    from kmclient.demo import seed_database
    from kmserver.content import import_dir
    from kmserver.store.database import Database

    db_path = work / f"server-{n}.db"
    if db_path.exists():
        return db_path
    corpus = work / f"corpus-{n}"
    make_corpus(corpus, n)
    tmp = db_path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    seed_database(f"sqlite:///{tmp}")
    db = Database(f"sqlite:///{tmp}")
    try:
        started = time.perf_counter()
        import_dir(db, corpus)
        print(f"  imported {n} documents into the server in {time.perf_counter() - started:.1f} s")
    finally:
        db.dispose()
    shutil.rmtree(corpus)
    tmp.rename(db_path)
    return db_path


def prepare_profile(work: Path, n: int, server_url: str, user: str) -> Path:
    """A profile synced and fully indexed by the engine alone (no UI)."""
    from kmclient.core.owner_loop import OwnerLoop
    from kmclient.core.sync_engine import SyncEngine
    from kmclient.demo import DEMO_PASSWORD

    profile_dir = work / f"profile-{user}-{n}"
    done_mark = profile_dir / "bench-ready"
    if done_mark.exists() and done_mark.read_text() == server_url:
        return profile_dir
    shutil.rmtree(profile_dir, ignore_errors=True)
    loop = OwnerLoop()
    started = time.perf_counter()
    with SyncEngine(profile_dir, loop.post) as engine:
        engine.connect(server_url, user, DEMO_PASSWORD)
        loop.run_until(lambda: engine.status.state == "online", timeout=600)
        loop.run_until(lambda: engine.index_progress.idle, timeout=1200)
        engine.disconnect()
    print(f"  synced and indexed a {n}-document profile in {time.perf_counter() - started:.1f} s")
    done_mark.write_text(server_url)
    return profile_dir


def with_server(db_path: Path, copy_to: Path, port_file: Path):  # type: ignore[no-untyped-def]
    """The server on the port of the last run when free: a profile belongs to one address."""
    from kmclient.demo import DemoServer

    shutil.copyfile(db_path, copy_to)
    try:
        port = int(port_file.read_text())
        server = DemoServer(db_path=copy_to, port=port).start()
    except (OSError, ValueError):
        server = DemoServer(db_path=copy_to).start()
    port_file.write_text(str(server.port))
    return server


# -- cold start (child process) -------------------------------------------------------------


def child_cold_start(profile_dir: Path, server_url: str, user: str) -> None:
    """Runs in a fresh process: start the app on a cached profile, report when usable."""
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from kmclient.ui.shell.client_app import ClientApp

    app = QApplication(["kmclient"])
    settings = QSettings(str(profile_dir.parent / "bench-settings.ini"), QSettings.Format.IniFormat)
    client = ClientApp(app, settings)
    window = client.open_window(server_url, user, None, profile_dir)
    painted: list[float] = []
    QTimer.singleShot(0, lambda: painted.append(time.time()))
    while not painted:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    window.repaint()
    usable = time.time()
    rss_usable = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    docs = window.model.doc_count()
    deadline = time.monotonic() + 120
    while window.engine.status.state != "online" and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    online = time.time()
    # settle a moment as a user would, then report the peak
    settle = time.monotonic() + 2
    while time.monotonic() < settle:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "usable": usable,
                "online": online,
                "docs_in_tree": docs,
                "rss_usable_mb": rss_usable / 1024,
                "rss_peak_mb": rss_peak / 1024,
            }
        ),
        flush=True,
    )
    client.shutdown()


def cold_start(profile_dir: Path, server_url: str, user: str, runs: int) -> dict[str, object]:
    results = []
    for _ in range(runs):
        started = time.time()
        out = subprocess.run(
            [sys.executable, __file__, "--child-cold-start", str(profile_dir), server_url, user],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ},
        )
        line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
        data = json.loads(line)
        results.append(
            {
                "usable_s": data["usable"] - started,
                "online_s": data["online"] - started,
                "docs_in_tree": data["docs_in_tree"],
                "rss_usable_mb": data["rss_usable_mb"],
                "rss_peak_mb": data["rss_peak_mb"],
            }
        )
    best = min(results, key=lambda r: r["usable_s"])
    return {
        "runs": results,
        "usable_s_median": statistics.median(r["usable_s"] for r in results),
        "online_s_median": statistics.median(r["online_s"] for r in results),
        "rss_peak_mb_max": max(r["rss_peak_mb"] for r in results),
        "best": best,
    }


# -- first sync with the window open ----------------------------------------------------------


def first_sync(server_url: str, work: Path, user: str) -> dict[str, object]:
    from gui_stalls import StallMeter
    from PySide6.QtCore import QEventLoop, QSettings
    from PySide6.QtWidgets import QApplication

    from kmclient.demo import DEMO_PASSWORD
    from kmclient.ui.shell.client_app import ClientApp

    app = QApplication.instance() or QApplication(["kmclient"])
    profile_dir = work / "first-sync-profile"
    shutil.rmtree(profile_dir, ignore_errors=True)
    settings = QSettings(str(work / "bench-settings.ini"), QSettings.Format.IniFormat)
    client = ClientApp(app, settings)  # type: ignore[arg-type]
    ticker = StallMeter()
    stalls = ticker.stalls
    started = time.perf_counter()
    window = client.open_window(server_url, user, DEMO_PASSWORD, profile_dir)
    ticker.start()
    max_total = [0]
    progress_seen = [0]

    def wait(cond, timeout: float) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + timeout
        while not cond() and time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
            status = window.engine.status
            max_total[0] = max(max_total[0], status.total)
            if window.status.progress.isVisible():
                progress_seen[0] += 1

    wait(lambda: window.engine.status.state == "online", 900)
    online = time.perf_counter() - started
    sync_stalls = sorted(stalls)
    wait(lambda: window.engine.index_progress.idle, 1800)
    indexed = time.perf_counter() - started
    ticker.stop()
    all_stalls = sorted(stalls)
    # while the index builds: search still answers (titles meanwhile)
    result = {
        "documents": max_total[0],
        "online_s": online,
        "index_idle_s": indexed,
        "progress_bar_seen": progress_seen[0] > 0,
        "gui_stall_ms_max_during_sync": max(sync_stalls) if sync_stalls else 0,
        "gui_stall_ms_p99_during_sync": _pct(sync_stalls, 99),
        "gui_stall_ms_max_until_indexed": max(all_stalls) if all_stalls else 0,
        "gui_stall_ms_p99_until_indexed": _pct(all_stalls, 99),
        "docs_in_tree": window.model.doc_count(),
    }
    client.shutdown()
    return result


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(len(values) * p / 100))]


# -- keystroke latency --------------------------------------------------------------------------


def keystrokes(server_url: str, work: Path, count: int) -> dict[str, object]:
    """Both windows live in this process: each key's latency includes both GUIs' work."""
    from PySide6.QtCore import QEvent, QEventLoop, QSettings, Qt
    from PySide6.QtGui import QKeyEvent, QTextCursor
    from PySide6.QtWidgets import QApplication

    from kmclient.demo import DEMO_PASSWORD
    from kmclient.ui.shell.client_app import ClientApp

    app = QApplication.instance() or QApplication(["kmclient"])
    settings = QSettings(str(work / "bench-settings.ini"), QSettings.Format.IniFormat)
    client = ClientApp(app, settings)  # type: ignore[arg-type]
    doc_id = "parking-residential-permit"
    windows = []
    for user in ("olle", "sara"):
        profile_dir = work / f"keys-{user}"
        shutil.rmtree(profile_dir, ignore_errors=True)
        w = client.open_window(server_url, user, DEMO_PASSWORD, profile_dir)
        windows.append(w)

    def wait(cond, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + timeout
        while not cond() and time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 1)
        if not cond():
            raise TimeoutError("benchmark condition not reached")

    for w in windows:
        wait(lambda w=w: w.engine.status.state == "online", 600)
        w.open_doc(doc_id)
        w.doc_view.set_editing(True)
    a, b = windows
    wait(lambda: bool(a.doc_view.awareness.peers()) and bool(b.doc_view.awareness.peers()))
    latencies: dict[str, list[float]] = {"olle->sara": [], "sara->olle": []}
    text = "Hej å ä ö 😀 "
    for direction, (src, dst) in (("olle->sara", (a, b)), ("sara->olle", (b, a))):
        editor = src.doc_view.editor
        cursor = editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        editor.setTextCursor(cursor)
        for i in range(count):
            ch = text[i % len(text)]
            started = time.perf_counter()
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    editor, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
                )
            # the other window's editor widget shows exactly what this one shows
            wait(lambda d=dst, e=editor: d.doc_view.editor.toPlainText() == e.toPlainText())
            latencies[direction].append((time.perf_counter() - started) * 1000)
    client.shutdown()
    out: dict[str, object] = {"keystrokes_per_direction": count}
    for direction, values in latencies.items():
        values.sort()
        out[direction] = {
            "median_ms": statistics.median(values),
            "p95_ms": _pct(values, 95),
            "max_ms": values[-1],
        }
    return out


# -- main -------------------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-cold-start":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        child_cold_start(Path(sys.argv[2]), sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--keystrokes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="cold starts")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kmclient-ui-bench"))
    parser.add_argument("--skip-first-sync", action="store_true")
    parser.add_argument("--onscreen", action="store_true", help="use $DISPLAY, not offscreen")
    args = parser.parse_args()
    if not args.onscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    args.work.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"machine": machine(), "documents": args.docs}
    print(f"preparing {args.docs} documents in {args.work} (cached between runs)")
    db_path = prepare_server_db(args.work, args.docs)
    server = with_server(db_path, args.work / "server-run.db", args.work / "server.port")
    try:
        # sara (supervisor) reads every document
        profile_dir = prepare_profile(args.work, args.docs, server.url, "sara")
        print("cold start ...")
        report["cold_start"] = cold_start(profile_dir, server.url, "sara", args.runs)
        if not args.skip_first_sync:
            print("first sync with the window open ...")
            report["first_sync"] = first_sync(server.url, args.work, "sara")
    finally:
        server.stop()
    print("keystroke latency ...")
    from kmclient.demo import DemoServer

    small = DemoServer().start()  # the sample KB: latency does not depend on corpus size
    try:
        report["keystrokes"] = keystrokes(small.url, args.work, args.keystrokes)
    finally:
        small.close()
    print(json.dumps(report, indent=2))
    out = ROOT / "benchmarks" / "results" / "ui.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
