"""A first sync's many documents reach the tree in steps: the view keeps the old rows
until the new ones are ready, then shows every document, and nothing that changed in
between is lost."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kmclient.core.model import DocInfo
from kmclient.ui.library.doc_tree_model import RESET_THRESHOLD, DocTreeModel

TOPICS = ("parking", "school", "waste")


class Source:
    """What the window hands the model: the engine's documents, relevance and lookup."""

    def __init__(self) -> None:
        self.docs: dict[str, DocInfo] = {}

    def documents(self, _all_topics: bool) -> list[DocInfo]:
        return sorted(self.docs.values(), key=lambda d: (d.title.casefold(), d.id))

    def add(self, n: int, start: int = 0) -> list[str]:
        ids = []
        for i in range(start, start + n):
            doc_id = f"doc-{i:05d}"
            self.docs[doc_id] = DocInfo(doc_id, f"Article {i:05d}", (TOPICS[i % 3],))
            ids.append(doc_id)
        return ids


def rows(model: DocTreeModel) -> dict[str, list[str]]:
    out = {}
    for top in range(model.rowCount()):
        parent = model.index(top, 0)
        out[model.topics()[top]] = [
            model.doc_id(model.index(r, 0, parent)) or "" for r in range(model.rowCount(parent))
        ]
    return out


@pytest.mark.parametrize("unsorted", [False, True], ids=["sorted source", "unsorted source"])
def test_a_big_batch_fills_the_tree_in_steps_and_keeps_later_changes(
    qtbot: QtBot, qtmodeltester, unsorted: bool
) -> None:
    source = Source()
    source.add(10)
    model = DocTreeModel(
        source.documents,
        lambda _all: None,
        lambda _id: None,
        lookup=source.docs.get,
        # the engine's documents in dict order; here newest first, to be sorted by the model
        unsorted=(lambda: reversed(list(source.docs.values()))) if unsorted else None,
    )
    assert model.doc_count() == 10
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(model.doc_count()))

    ids = source.add(3 * RESET_THRESHOLD, start=10)
    assert model.update_docs(ids, source.docs.get)  # a reset is coming: nothing to repaint
    assert model.stepping
    assert model.doc_count() == 10 and resets == []  # the view still shows the old rows

    # Meanwhile a document is renamed, one removed, one added (small updates).
    renamed = "doc-00011"
    source.docs[renamed] = DocInfo(renamed, "Aardvark permits", ("school",))
    del source.docs["doc-00012"]
    source.add(1, start=5000)
    assert not model.update_docs([renamed, "doc-00012", "doc-05000"], source.docs.get)

    qtbot.waitUntil(lambda: not model.stepping, timeout=5000)
    assert resets == [len(ids) + 10]  # one reset, once every row was ready
    assert model.doc_count() == len(source.docs)
    shown = rows(model)
    assert sorted(shown) == sorted(TOPICS)
    for topic in TOPICS:  # each document under its topic, sorted by title
        expected = [d.id for d in source.documents(True) if d.topics == (topic,)]
        assert shown[topic] == expected
    assert shown["school"][0] == renamed
    assert "doc-00012" not in model._placed
    qtmodeltester.check(model)


def test_a_reload_cancels_a_reload_in_steps(qtbot: QtBot) -> None:
    source = Source()
    model = DocTreeModel(
        source.documents, lambda _all: None, lambda _id: None, lookup=source.docs.get
    )
    model.update_docs(source.add(RESET_THRESHOLD + 1), source.docs.get)
    assert model.stepping
    model.reload()  # e.g. "all topics" chosen: at once, and the steps are dropped
    assert not model.stepping
    assert model.doc_count() == RESET_THRESHOLD + 1
    qtbot.wait(50)
    assert model.doc_count() == RESET_THRESHOLD + 1


def test_the_first_build_from_unsorted_documents_matches_the_sorted_one() -> None:
    """At a window's opening the tree is built from the engine's documents unsorted
    (no global sort first): the same rows, sorted per topic, only the relevant ones."""
    source = Source()
    source.add(300)
    source.docs["doc-x"] = DocInfo("doc-x", "Aardvark", ())  # no topic: under Other
    wanted = ("parking", "waste")

    def relevant(_all: bool) -> list[DocInfo]:
        return [d for d in source.documents(True) if d.relevant_to(wanted)]

    def build(unsorted: bool) -> DocTreeModel:
        return DocTreeModel(
            relevant,
            lambda _all: wanted,
            lambda _id: None,
            lookup=source.docs.get,
            unsorted=(lambda: reversed(list(source.docs.values()))) if unsorted else None,
        )

    plain, fast = build(False), build(True)
    assert rows(fast) == rows(plain)
    assert sorted(rows(fast)) == list(wanted)
    assert fast.doc_count() == plain.doc_count() == 200  # not school's, not doc-x
    assert not fast.contains("doc-x") and not fast.contains("doc-00001")
