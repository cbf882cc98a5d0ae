"""Screens of the governed half: publish, history and diffs, review, archive."""
