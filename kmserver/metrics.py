"""``GET /metrics``: the process's counters in Prometheus' text format (prometheus-client).

Each server has its own registry (several servers may run in one test process).
Counters and histograms are updated where things happen (the writer's batches,
sign-ins, a reader dropped for being too far behind, the cluster's listening
connection); what is a state (open sockets, signed-in users, the log position)
is read when scraped. Every process answers for itself: scrape each process,
not the load balancer (docs/operations.md, "Metrics").

``--metrics`` decides who may read it: ``local`` (default) only from the
loopback address, ``on`` from anywhere, ``off`` nobody (404, as any unknown path).
"""

from __future__ import annotations

import contextlib
import gc
import ipaddress
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from kmserver.store.models import LOG_META, LOG_PUBLISH, LOG_RECORD, LOG_UPDATE

MODES = ("local", "on", "off")
CONTENT_TYPE = CONTENT_TYPE_LATEST
KIND_NAMES = {LOG_UPDATE: "update", LOG_META: "meta", LOG_RECORD: "record", LOG_PUBLISH: "publish"}


@dataclass
class State:
    """What a scrape reads of the running server (filled by ``Server``)."""

    connections: Callable[[], dict[str, int]]  # kind -> open sockets
    signed_in_users: Callable[[], int]
    covered: Callable[[], int]  # last log entry this process has published
    listen_reconnects: Callable[[], int]  # PostgreSQL: the LISTEN connection opened again


class _StateCollector(Collector):
    def __init__(self, state: State) -> None:
        self.state = state

    def collect(self) -> Iterable[GaugeMetricFamily | CounterMetricFamily]:
        conns = GaugeMetricFamily(
            "kmserver_connections",
            "Open sockets by kind: ws (desktop), y (stock Yjs), web (the web app's), "
            "unauthenticated (not yet signed in)",
            labels=["kind"],
        )
        for kind, count in sorted(self.state.connections().items()):
            conns.add_metric([kind], count)
        yield conns
        yield GaugeMetricFamily(
            "kmserver_signed_in_users",
            "Distinct users with a signed-in socket on this process",
            value=self.state.signed_in_users(),
        )
        yield GaugeMetricFamily(
            "kmserver_log_position",
            "Sequence number of the last log entry this process has published (covered)",
            value=self.state.covered(),
        )
        yield CounterMetricFamily(
            "kmserver_listen_reconnects",
            "Times the connection listening for other processes' commits was opened again "
            "(PostgreSQL; meanwhile the log is polled every second)",
            value=self.state.listen_reconnects(),
        )


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        # The process's own: CPU seconds, resident memory, open descriptors, collections.
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        GCCollector(registry=r)
        self.committed = Counter(
            "kmserver_log_entries_committed",
            "Log entries this process committed, by kind (update: an edit; record: a flag, "
            "comment, note or notification; meta; publish)",
            ["kind"],
            registry=r,
        )
        self._committed_by_kind: dict[int, Any] = {}
        self.batch_jobs = Histogram(
            "kmserver_writer_batch_jobs",
            "Jobs per group commit",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024),
            registry=r,
        )
        self.commit_seconds = Histogram(
            "kmserver_writer_commit_seconds",
            "Time of one group commit (the transaction, catch-up included)",
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=r,
        )
        self.commit_failures = Counter(
            "kmserver_writer_commit_failures", "Group commits the database refused", registry=r
        )
        self.send_queue_drops = Counter(
            "kmserver_send_queue_drops",
            "Sockets closed for being too far behind (4008, --max-send-queue)",
            registry=r,
        )
        self.signins = Counter(
            "kmserver_signins",
            "Sign-in attempts by method (password, token) and result (ok, failed, throttled)",
            ["method", "result"],
            registry=r,
        )
        self.refused_sockets = Gauge(
            "kmserver_refused_sockets",
            "Sockets closed at accept by a connection cap since the start",
            registry=r,
        )

        self.gc_pauses = Histogram(
            "kmserver_gc_pause_seconds",
            "Collections of Python's cyclic garbage collector, by generation (2: full); "
            "each holds every socket and the writer up for its duration (gc_pacing.py)",
            ["generation"],
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
            registry=r,
        )
        self._gc_started = 0.0

    def attach(self, state: State, refused: Callable[[], int]) -> None:
        self.registry.register(_StateCollector(state))
        self.refused_sockets.set_function(refused)
        gc.callbacks.append(self._on_gc)

    def close(self) -> None:
        """The server stopped: its registry no longer hears of collections."""
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        # Collections run on whichever thread allocates, one at a time (under the GIL).
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            took = time.perf_counter() - self._gc_started
            self.gc_pauses.labels(str(info["generation"])).observe(took)

    def committed_entries(self, kinds: Iterable[int]) -> None:
        """Once per group commit: one increment per kind, not per entry (and each
        kind's child looked up once), on the event loop's hot path. A plain dict: for
        the few entries of a batch, collections.Counter costs more than the counting."""
        counts: dict[int, int] = {}
        for kind in kinds:
            counts[kind] = counts.get(kind, 0) + 1
        for kind, count in counts.items():
            child = self._committed_by_kind.get(kind)
            if child is None:
                child = self._committed_by_kind[kind] = self.committed.labels(
                    KIND_NAMES.get(kind, str(kind))
                )
            child.inc(count)

    def signin(self, method: str, result: str) -> None:
        self.signins.labels(method, result).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


def allowed(mode: str, address: str) -> bool:
    """May a peer at ``address`` read /metrics under ``--metrics mode``?"""
    if mode == "on":
        return True
    if mode != "local":
        return False
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
