"""Awareness states (pure): the Yjs conventions, clocks, goodbyes and timeouts."""

from __future__ import annotations

import json

from kmclient.ui.editing.awareness import OUTDATED_AFTER, Awareness, colour_for
from kmserver.protocol import awareness as wire


class Clock:
    """A hand-moved clock for the 30-second timeout (time is an input here)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_state_follows_the_yjs_convention() -> None:
    me = Awareness(7, "olle")
    payload = me.set_local(({"item": {"client": 1, "clock": 2}, "assoc": 0},) * 2, editing=True)
    [(client, clock, text)] = wire.parse(payload)
    state = json.loads(text)
    assert (client, clock) == (7, 1)
    assert state["user"] == {"name": "olle", "color": colour_for("olle")}
    assert state["cursor"]["head"]["item"] == {"client": 1, "clock": 2}
    assert state["mode"] == "editing"


def test_peers_appear_move_and_leave() -> None:
    clock = Clock()
    me, sara = Awareness(1, "olle", clock=clock), Awareness(2, "sara", clock=clock)
    assert me.apply(sara.set_local(None, editing=False))
    [peer] = me.peers()
    assert (peer.name, peer.editing, peer.head) == ("sara", False, None)
    renewal = sara.renew()
    assert renewal is not None and not me.apply(renewal)  # same state: nothing to redraw
    assert me.apply(sara.set_local(("a", "b"), editing=True))
    assert me.peers()[0].head == "b"
    assert me.likely_author() == "sara"
    assert me.apply(sara.leave())
    assert me.peers() == []


def test_old_updates_and_our_own_echo_are_ignored() -> None:
    me, sara = Awareness(1, "olle"), Awareness(2, "sara")
    first = sara.set_local(None, editing=False)
    second = sara.set_local(("x", "y"), editing=True)
    assert me.apply(second)
    assert not me.apply(first)  # an older clock
    assert me.peers()[0].editing
    assert not me.apply(me.set_local(None, editing=False))
    assert not me.apply(b"\xff\xff garbage")


def test_silent_peers_time_out() -> None:
    clock = Clock()
    me, sara = Awareness(1, "olle", clock=clock), Awareness(2, "sara", clock=clock)
    me.apply(sara.set_local(None, editing=False))
    clock.now += OUTDATED_AFTER - 1
    assert not me.expire() and me.peers()
    clock.now += 2
    assert me.expire() and not me.peers()


def test_likely_author_needs_a_recent_caret_move_when_several_edit() -> None:
    clock = Clock()
    me = Awareness(1, "olle", clock=clock)
    karin, sara = Awareness(2, "karin", clock=clock), Awareness(3, "sara", clock=clock)
    me.apply(karin.set_local(("k", "k"), editing=True))
    clock.now += 1
    me.apply(sara.set_local(("s", "s"), editing=True))
    assert me.likely_author() == "sara"
    clock.now += 60
    assert me.likely_author() is None  # nobody moved lately: do not guess
