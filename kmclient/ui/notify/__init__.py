"""Notifications: the bell and centre, pop-ups and quiet mode, watch settings."""
