"""Shared by every test package."""

import os
import tempfile

# Hypothesis' pytest plugin imports hypothesis lazily, at the terminal summary, when no
# test imported it; under assertion rewriting on CPython 3.11 that import can fail
# with "AST constructor recursion depth mismatch". Importing it at collection avoids it.
import hypothesis  # noqa: F401

# Nothing the tests run may write into the developer's own data and settings (the
# last-synced profile that `kmclient search` defaults to, the app's settings): every
# test process and the commands it starts get a home of their own for them.
_home = tempfile.mkdtemp(prefix="kmdesk-tests-home-")
os.environ["XDG_DATA_HOME"] = os.path.join(_home, "data")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_home, "config")
os.environ["XDG_CACHE_HOME"] = os.path.join(_home, "cache")
