"""Moved to kmclient.core.sticky (the engine needs it too); kept while imports move."""

from kmclient.core.sticky import StickyCodec, StickyData

__all__ = ["StickyCodec", "StickyData"]
