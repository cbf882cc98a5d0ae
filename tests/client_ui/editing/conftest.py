"""The two editors wired together, for test_ytext_binding.py and test_ytext_carets.py."""

from tests.client_ui.editing.ytext_helpers import pair  # noqa: F401
