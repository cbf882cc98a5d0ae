"""Flags, comments and private notes."""
