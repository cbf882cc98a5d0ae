"""The servers under test (reference Node y-websocket, kmserver) and their processes."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from latency_common import (
    HERE,
    HOCUSPOCUS_PKG,
    HOCUSPOCUS_SCRIPT,
    NODE_ENV_STRIP,
    NODE_SERVER,
    REPO,
    ROOM_PREFIX,
    log,
)


def _die_with_parent() -> None:
    """preexec_fn: the child gets SIGTERM if this orchestrator dies (Linux prctl)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pump(stream, sink, q: queue.Queue | None) -> None:
    """Copy a child's output to a log file (and to a queue for the ready/READY lines)."""
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace")
        if sink is not None:
            sink.write(line)
            sink.flush()
        if q is not None:
            q.put(line)
    if q is not None:
        q.put(None)


def wait_line(q: queue.Queue, pattern: re.Pattern, deadline: float, proc: subprocess.Popen):
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no line matching {pattern.pattern!r} in time")
        try:
            line = q.get(timeout=min(left, 0.5))
        except queue.Empty:
            if proc.poll() is not None:
                raise RuntimeError(f"process exited with {proc.returncode}") from None
            continue
        if line is None:
            proc.wait(timeout=5)
            raise RuntimeError(f"process exited with {proc.returncode}")
        m = pattern.search(line)
        if m:
            return m


def stop_process(proc: subprocess.Popen | None, name: str, grace: float = 5.0) -> None:
    """SIGTERM the process we started, SIGKILL it if it lingers, then its session group."""
    if proc is None:
        return
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            log(f"{name} (pid {proc.pid}) ignored SIGTERM for {grace:.0f}s; SIGKILL")
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(timeout=5)
    # leftovers of its own session (started with start_new_session=True: pgid == pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


class Server:
    def __init__(
        self,
        name: str,
        proc: subprocess.Popen,
        port: int,
        urls: list[list[str]],
        info: dict,
        logfile,
    ):
        self.name, self.proc, self.port, self.urls, self.info = name, proc, port, urls, info
        self.logfile = logfile
        self.ws_reps: dict | None = None  # kmserver: /ws url and a rep's token (--ws-reps)

    def stop(self) -> None:
        stop_process(self.proc, f"{self.name} server")
        with contextlib.suppress(Exception):
            self.logfile.close()


def room_names(n: int) -> list[str]:
    return [f"{ROOM_PREFIX}{i:04d}" for i in range(n)]


def spawn_worker(
    script: str, cfg: dict, config_path: Path
) -> tuple[subprocess.Popen, queue.Queue, Path]:
    """A load-generating client process (``script --worker config_path``) and the queue
    of its output lines (ready, go, done); its figures land in ``cfg["result_path"]``."""
    config_path.write_text(json.dumps(cfg))
    proc = subprocess.Popen(
        [sys.executable, str(Path(script).resolve()), "--worker", str(config_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    q: queue.Queue = queue.Queue()
    threading.Thread(target=_pump, args=(proc.stdout, None, q), daemon=True).start()
    return proc, q, Path(cfg["result_path"])


def _spawn_server(cmd, env, cwd, logpath: Path, ready: re.Pattern, timeout: float):
    logfile = open(logpath, "w")  # noqa: SIM115  (closed by Server.stop)
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=logfile,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    q: queue.Queue = queue.Queue()
    threading.Thread(target=_pump, args=(proc.stdout, logfile, q), daemon=True).start()
    try:
        wait_line(q, ready, time.monotonic() + timeout, proc)
    except Exception as exc:
        stop_process(proc, cmd[0])
        logfile.close()
        tail = logpath.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"server did not become ready: {exc}\n--- log tail ---\n{tail}") from exc
    return proc, logfile


def ensure_node_modules(args) -> None:
    if NODE_SERVER.exists() and HOCUSPOCUS_PKG.exists():
        return
    npm = shutil.which("npm")
    if args.no_install or npm is None:
        raise RuntimeError(
            f"{NODE_SERVER.relative_to(REPO)} is missing; run `npm ci --omit=optional` in "
            f"{HERE.relative_to(REPO)}/" + ("" if npm else " (npm not found)")
        )
    lock = (HERE / "package-lock.json").exists()
    cmd = [npm, "ci" if lock else "install", "--omit=optional", "--no-audit", "--no-fund"]
    log(f"node_modules missing: running `npm {' '.join(cmd[1:])}` in {HERE}")
    subprocess.run(
        cmd, cwd=HERE, check=True, timeout=300, stdin=subprocess.DEVNULL, stdout=sys.stderr
    )
    for needed in (NODE_SERVER, HOCUSPOCUS_PKG):
        if not needed.exists():
            raise RuntimeError(f"npm finished but {needed} is still missing")


def node_version(node: str) -> str | None:
    try:
        return subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except Exception:
        return None


def _package_version(package_json: Path) -> str:
    return json.loads(package_json.read_text())["version"]


def _start_node_target(
    args, run_dir: Path, name: str, script: Path, ready: str, info: dict
) -> Server:
    """A Node reference server (in memory) on a free port, one socket per client at
    ``/<room>``; ``info`` gets what every Node target reports."""
    ensure_node_modules(args)
    node = args.node or shutil.which("node")
    if not node:
        raise RuntimeError("node not found on PATH (use --node)")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in NODE_ENV_STRIP}
    env.update(HOST="127.0.0.1", PORT=str(port))
    log(f"starting {name} {info[next(iter(info))]} on 127.0.0.1:{port}")
    proc, logfile = _spawn_server(
        [node, str(script)],
        env,
        HERE,
        run_dir / "server.log",
        re.compile(ready),
        args.server_timeout,
    )
    urls = [[f"ws://127.0.0.1:{port}/{room}"] * args.clients for room in room_names(args.rooms)]
    info = {
        "command": f"HOST=127.0.0.1 PORT={port} node {script.relative_to(REPO)}",
        **info,
        "yjs": _package_version(HERE / "node_modules" / "yjs" / "package.json"),
        "node": node_version(node),
    }
    return Server(name, proc, port, urls, info, logfile)


def start_node(args, run_dir: Path) -> Server:
    """y-websocket 2's own server (YPERSISTENCE unset: in memory)."""
    ensure_node_modules(args)  # before reading its package files
    info = {
        "y-websocket": _package_version(NODE_SERVER.parent.parent / "package.json"),
        "ws": _package_version(HERE / "node_modules" / "ws" / "package.json"),
        "persistence": "none (YPERSISTENCE unset, in memory)",
    }
    return _start_node_target(
        args, run_dir, "node", NODE_SERVER, r"running at .* on port \d+", info
    )


def start_hocuspocus(args, run_dir: Path) -> Server:
    """Hocuspocus 2 (benchmarks/hocuspocus_server.cjs): no extensions, so in memory only.
    One socket per client; the document name travels in every message (the client
    prefixes it, see edit_latency.py), so the URL path is not used."""
    ensure_node_modules(args)
    info = {
        "@hocuspocus/server": _package_version(HOCUSPOCUS_PKG),
        # its own ws 8
        "ws": _package_version(HOCUSPOCUS_PKG.parent / "node_modules" / "ws" / "package.json"),
        "persistence": "none (no extensions, in memory)",
        "protocol": "hocuspocus (document name before every y-sync message, auth first)",
    }
    return _start_node_target(
        args,
        run_dir,
        "hocuspocus",
        HOCUSPOCUS_SCRIPT,
        r"hocuspocus running at .* on port \d+",
        info,
    )


def start_py_relay(args, run_dir: Path, name: str) -> Server:
    """benchmarks/py_relay_server.py: y-websocket's server in Python on kmserver's
    libraries, in memory (``py-relay``) or committing each update first (``py-durable``;
    ``py-durable-inline`` commits on the event loop)."""
    port = free_port()
    durable = name != "py-relay"
    cmd = [sys.executable, str(HERE / "py_relay_server.py"), "--port", str(port)]
    if durable:
        cmd += ["--durable", str(run_dir / "relay.db")]
    if name == "py-durable-inline":
        cmd.append("--inline")
    log(f"starting {name} on 127.0.0.1:{port}")
    proc, logfile = _spawn_server(
        cmd,
        dict(os.environ),
        REPO,
        run_dir / "server.log",
        re.compile(r"py-relay running at .* on port \d+"),
        args.server_timeout,
    )
    urls = [[f"ws://127.0.0.1:{port}/{room}"] * args.clients for room in room_names(args.rooms)]
    info = {
        "command": " ".join(cmd[1:]),
        "persistence": "SQLite, synchronous=FULL, group commit before relaying"
        if durable
        else "none (in memory)",
        "python": sys.version.split()[0],
    }
    return Server(name, proc, port, urls, info, logfile)


def kmserver_cmd(args, repo: Path = REPO) -> list[str] | None:
    if args.kmserver_cmd and repo == REPO:
        return args.kmserver_cmd.split()
    if (repo / "kmserver" / "cli.py").exists():
        return [sys.executable, "-m", "kmserver.cli"]
    return None


def kmserver_fingerprint(repo: Path = REPO) -> dict:
    """Which kmserver source ran (the tree changes under active development)."""
    import hashlib

    files = sorted((repo / "kmserver").rglob("*.py"))
    h = hashlib.sha256()
    git = None
    with contextlib.suppress(Exception):
        git = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    for f in files:
        h.update(str(f.relative_to(repo)).encode() + b"\0" + f.read_bytes() + b"\0")
    newest = max((f.stat().st_mtime for f in files), default=0)
    return {
        "source": str(repo),
        "git_head": git or None,
        "source_sha256": h.hexdigest()[:16],
        "source_newest_mtime": dt.datetime.fromtimestamp(newest, dt.UTC).isoformat(
            timespec="seconds"
        ),
    }


# One benchmark account stands for every client, so the per-user limits (16 sockets,
# 50 updates/s: sized for one person, kmserver/limits.py) are lifted; the checks still
# run on every connection and message.
BENCH_LIMITS = (
    "--max-connections-per-user",
    "100000",
    "--update-rate",
    "100000/s,burst=100000",
    "--request-rate",
    "100000/s,burst=100000",
)


def start_ours(
    args, run_dir: Path, repo: Path = REPO, name: str = "ours", serve_args: tuple[str, ...] = ()
) -> Server:
    """kmserver from ``repo`` (this checkout, or ``--before`` for the ``before`` target);
    ``serve_args`` go to ``kmserver serve``."""
    base = kmserver_cmd(args, repo)
    if base is None:
        raise FileNotFoundError(f"{repo}/kmserver/cli.py does not exist")
    db = (run_dir / "bench.db").resolve()
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(db) + suffix).unlink()
    env = dict(os.environ)
    env["KMSERVER_DB"] = f"sqlite:///{db}"
    # the source under test first: the shared venv may have another checkout installed
    others = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(REPO)]
    env["PYTHONPATH"] = os.pathsep.join([str(repo), *others])
    env["PYTHONUNBUFFERED"] = "1"

    def cli(*argv: str, stdin: str | None = None) -> str:
        log(f"  KMSERVER_DB=sqlite:///{db.relative_to(REPO)} kmserver {' '.join(argv)}")
        p = subprocess.run(
            [*base, *argv],
            cwd=repo,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if p.returncode != 0:
            raise RuntimeError(
                f"`kmserver {' '.join(argv)}` exited {p.returncode}:\n{p.stdout}\n{p.stderr}"
            )
        return p.stdout

    log("preparing kmserver database (user, documents, token)")
    cli(
        "user",
        "add",
        "bench",
        "--role",
        "supervisor",
        "--password-stdin",
        stdin=secrets.token_urlsafe(24) + "\n",
    )
    docs = run_dir / "docs"
    docs.mkdir(exist_ok=True)
    for i, room in enumerate(room_names(args.rooms)):
        (docs / f"{room}.md").write_text(
            f"---\nid: {room}\ntitle: Bench room {i}\ntopics: [bench]\n"
            f"audience: [everyone]\nowner: bench\n---\nbody text\n"
        )
    cli("import", str(docs.resolve()))

    def token_of(user: str) -> str:
        out = [ln.strip() for ln in cli("token", user).splitlines() if ln.strip()]
        if not out:
            raise RuntimeError(f"`kmserver token {user}` printed nothing")
        return out[-1]

    token = token_of("bench")
    rep_token = None
    if getattr(args, "ws_reps", 0):  # reps signed in on /ws: they read, never edit
        password = secrets.token_urlsafe(24) + "\n"
        cli("user", "add", "benchrep", "--role", "rep", "--password-stdin", stdin=password)
        rep_token = token_of("benchrep")
    port = free_port()
    log(f"starting kmserver ({name}, {repo}) on 127.0.0.1:{port}")
    proc, logfile = _spawn_server(
        [*base, "serve", "--host", "127.0.0.1", "--port", str(port), *BENCH_LIMITS, *serve_args],
        env,
        repo,
        run_dir / "server.log",
        re.compile(r"listening on ws://127\.0\.0\.1:\d+"),
        args.server_timeout,
    )
    q = urllib.parse.quote(token, safe="")
    urls = [
        [f"ws://127.0.0.1:{port}/y/{room}?token={q}"] * args.clients
        for room in room_names(args.rooms)
    ]
    info = {
        **kmserver_fingerprint(repo),
        "command": f"KMSERVER_DB=sqlite:///<run dir>/bench.db "
        f"{' '.join(Path(b).name for b in base)} serve --host 127.0.0.1 --port {port} "
        + " ".join((*BENCH_LIMITS, *serve_args)),
        "database": "SQLite file, fresh per run",
    }
    server = Server(name, proc, port, urls, info, logfile)
    if rep_token is not None:
        server.ws_reps = {"url": f"ws://127.0.0.1:{port}/ws", "token": rep_token}
    return server
