"""The wire contract shared by kmserver and kmclient.

Pure: stdlib and pycrdt only, no I/O, so the client can import it without
pulling in the server (see docs/protocol.md).
"""

from kmserver.protocol.codec import ProtocolError
from kmserver.protocol.messages import PROTOCOL_VERSION

__all__ = ["PROTOCOL_VERSION", "ProtocolError"]
