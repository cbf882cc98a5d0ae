"""Installed as the package ``kmclient.assets`` (pyproject.toml): data only, read through
``kmclient.resources``."""
