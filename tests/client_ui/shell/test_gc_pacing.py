"""Full garbage collections are held off while an engine syncs, and a large sync's
survivors leave the collector's scans."""

from __future__ import annotations

import gc

from kmclient.ui.shell import gc_pacing


def test_hold_is_counted_and_release_restores_the_thresholds() -> None:
    before = gc.get_threshold()
    gc_pacing.hold()
    gc_pacing.hold()  # two windows syncing
    assert gc.get_threshold()[:2] == before[:2]  # young generations as usual
    assert gc.get_threshold()[2] == gc_pacing.HELD_THRESHOLD
    gc_pacing.release()
    assert gc_pacing.held()
    frozen = gc.get_freeze_count()
    kept = [[n] for n in range(1000)]  # what a large sync brought, still in use
    gc_pacing.release(freeze=True)
    assert not gc_pacing.held()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() >= frozen + len(kept)
    gc_pacing.release()  # one too many: ignored
    assert gc.get_threshold() == before
