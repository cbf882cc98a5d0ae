"""Flags, comments, private notes, watches and notifications (docs/feedback.md)."""
