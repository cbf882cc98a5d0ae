"""Shared by every test package."""

# Hypothesis' pytest plugin imports hypothesis lazily, at the terminal summary, when no
# test imported it; under assertion rewriting on CPython 3.11 that import can fail
# with "AST constructor recursion depth mismatch". Importing it at collection avoids it.
import hypothesis  # noqa: F401
