"""Must-reads and broadcasts on screen (docs/attention.md)."""
