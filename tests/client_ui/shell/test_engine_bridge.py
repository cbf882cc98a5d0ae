"""The bridge's signals (kmclient/ui/shell/engine_bridge.py): the documents' events of a
sync reach the widgets a commit's run at a time, one ``docsChanged`` emit each, in the
order the engine told them, between the other signals as told."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from kmclient.core.model import ConnState, DocChanged, EngineEvent, StatusChanged, SyncCompleted
from kmclient.demo import DEMO_PASSWORD
from kmclient.ui.shell.engine_bridge import EngineBridge
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS


def test_a_syncs_document_events_are_one_signal_per_commit_in_order(
    qtbot: QtBot, demo_server: Any, tmp_path: Path
) -> None:
    bridge = EngineBridge(tmp_path / "sara")
    told: list[tuple[str, object]] = []  # what the engine told, one event at a time
    heard: list[tuple[str, object]] = []  # what the bridge's signals carried
    emits: list[int] = []  # documents' events per docsChanged emit

    def tell(event: EngineEvent) -> None:
        if isinstance(event, DocChanged):
            told.append(("doc", event))
        elif isinstance(event, StatusChanged):
            told.append(("status", event.status))
        elif isinstance(event, SyncCompleted):
            told.append(("sync", event))

    def docs(events: tuple[DocChanged, ...]) -> None:
        emits.append(len(events))
        heard.extend(("doc", e) for e in events)

    bridge.engine.listen(tell)
    bridge.docsChanged.connect(docs)
    bridge.statusChanged.connect(lambda status: heard.append(("status", status)))
    bridge.syncCompleted.connect(lambda event: heard.append(("sync", event)))
    try:
        bridge.engine.connect(demo_server.url, "sara", DEMO_PASSWORD)
        qtbot.waitUntil(lambda: bridge.engine.status.state == ConnState.ONLINE, timeout=WAIT_MS)
        documents = len(bridge.engine.documents(all_topics=True))
        assert documents > 20
        assert heard == told  # every event, in the engine's order
        doc_events = sum(1 for kind, _ in told if kind == "doc")
        assert doc_events >= 2 * documents  # metadata and content of each
        assert sum(emits) == doc_events
        assert max(emits) > 1 and len(emits) < doc_events / 4  # runs, not one emit each
    finally:
        bridge.close()
