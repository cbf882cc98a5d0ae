"""Search over the 34 real articles of resources/kb, synced into real profiles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kmclient.core.owner_loop import OwnerLoop
from kmclient.core.sync_engine import SyncEngine
from kmserver.content import import_dir
from kmserver.store.accounts import Accounts
from kmserver.store.database import Database
from tests.integration.conftest import PASSWORD, WAIT, ServerThread

KB = Path(__file__).resolve().parents[2] / "resources" / "kb"


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, SyncEngine]]:
    """rita (rep, topic parking) and sara (supervisor), fully synced and indexed."""
    tmp = tmp_path_factory.mktemp("corpus")
    url = f"sqlite:///{tmp / 'server.db'}"
    db = Database(url)
    Accounts(db).add_user("rita", "rep", ["parking"], PASSWORD)
    Accounts(db).add_user("sara", "supervisor", [], PASSWORD)
    import_dir(db, KB)
    db.dispose()
    server = ServerThread(url).start()
    owner = OwnerLoop()
    engines = {name: SyncEngine(tmp / name, owner.post) for name in ("rita", "sara")}
    try:
        for name, engine in engines.items():
            engine.connect(server.url, name, PASSWORD)
        assert owner.run_until(
            lambda: all(
                e.status.state == "online" and e.index_progress.idle for e in engines.values()
            ),
            WAIT * 3,
        )
        yield engines
    finally:
        for engine in engines.values():
            engine.close()
        server.stop()


def ids(results) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.doc_id for r in results]


def test_everything_visible_is_indexed_and_nothing_else(synced: dict[str, SyncEngine]) -> None:
    rita, sara = synced["rita"], synced["sara"]
    assert len(sara.documents(all_topics=True)) == 34
    assert len(rita.replica.index) == len(rita.documents(all_topics=True)) == 28
    assert (
        sara.search("threats staff", all_topics=True)[0].doc_id == "internal-threats-against-staff"
    )
    # Audience "supervisor": not a byte of it reached rita's profile.
    assert "internal-threats-against-staff" not in ids(rita.search("threats", all_topics=True))
    assert not any(d.id.startswith("internal-") for d in rita.documents(all_topics=True))


def test_prefix_while_typing(synced: dict[str, SyncEngine]) -> None:
    results = synced["rita"].search("parkeringsb")
    assert ids(results)[0] == "overklaga-parkeringsbot"
    assert ("parkeringsbot", True) in results[0].snippet


def test_typos_are_forgiven(synced: dict[str, SyncEngine]) -> None:
    rita = synced["rita"]
    assert ids(rita.search("towwed"))[0] == "parking-towed-vehicle"
    assert ids(rita.search("fardtjenst", all_topics=True))[0] == "fardtjanst-ansokan"


def test_accents_are_optional_and_snippets_show_the_original(
    synced: dict[str, SyncEngine],
) -> None:
    rita = synced["rita"]
    with_accent = rita.search("överklaga", all_topics=True)
    without = rita.search("overklaga", all_topics=True)
    assert ids(with_accent) == ids(without)
    assert ids(without)[0] == "overklaga-parkeringsbot"
    assert {"hemtjanst-ansokan", "fardtjanst-ansokan"} <= set(ids(without))  # "överklagas"
    (top,) = rita.search("sophamtning", all_topics=True)[:1]
    assert top.doc_id == "sophamtning-vid-helgdagar"
    assert ("Sophämtning", True) in top.snippet
    assert top.snippet_html().startswith("<b>Sophämtning</b>")


def test_topics_narrow_the_default_view_and_a_switch_widens_it(
    synced: dict[str, SyncEngine],
) -> None:
    rita, sara = synced["rita"], synced["sara"]
    mine = rita.search("permit")
    everything = rita.search("permit", all_topics=True)
    assert ids(mine)[:2] == ["parking-residential-permit", "parking-disabled-permit"]
    assert all("parking" in r.topics for r in mine)
    assert {"building-permit-application", "building-permit-fees"} <= set(ids(everything))
    assert set(ids(mine)) < set(ids(everything))
    assert rita.search("bygglov altan") == []  # not her topic...
    assert ids(rita.search("bygglov altan", all_topics=True))[0] == "bygglov-altan-och-plank"
    assert {d.id for d in rita.documents()} == {
        "overklaga-parkeringsbot",
        "parking-disabled-permit",
        "parking-residential-permit",
        "parking-towed-vehicle",
    }
    # A supervisor without topics sees everything by default.
    assert sara.relevance() is None and len(sara.documents()) == 34
