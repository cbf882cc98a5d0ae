"""lib0 variable-length encoding as used by y-protocols, with strict bounds.

pycrdt ships an Encoder/Decoder too, but its ``write_var_string`` writes the
character count instead of the UTF-8 byte count and its decoder indexes past
the end of short input; a server reading untrusted frames needs neither.
"""

from __future__ import annotations


class ProtocolError(ValueError):
    """A frame or message that does not follow the protocol."""


MAX_VAR_UINT_BYTES = 10  # 64-bit values need at most 10 groups of 7 bits


def write_var_uint(num: int) -> bytes:
    if num < 0:
        raise ValueError("var uint must be >= 0")
    out = bytearray()
    while num > 0x7F:
        out.append(0x80 | (num & 0x7F))
        num >>= 7
    out.append(num)
    return bytes(out)


def write_var_bytes(data: bytes) -> bytes:
    return write_var_uint(len(data)) + data


def write_var_string(text: str) -> bytes:
    return write_var_bytes(text.encode("utf-8"))


class Reader:
    """Reads lib0-encoded values from a bytes buffer, refusing to overrun it."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def read_var_uint(self) -> int:
        num = 0
        shift = 0
        for _ in range(MAX_VAR_UINT_BYTES):
            if self.pos >= len(self.data):
                raise ProtocolError("truncated varint")
            byte = self.data[self.pos]
            self.pos += 1
            num |= (byte & 0x7F) << shift
            if byte < 0x80:
                return num
            shift += 7
        raise ProtocolError("varint too long")

    def read_bytes(self, n: int) -> bytes:
        if n > self.remaining:
            raise ProtocolError(f"length {n} exceeds the {self.remaining} bytes left")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return bytes(chunk)

    def read_var_bytes(self) -> bytes:
        return self.read_bytes(self.read_var_uint())

    def read_var_string(self) -> str:
        raw = self.read_var_bytes()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError("string is not valid UTF-8") from exc

    def read_rest(self) -> bytes:
        chunk = self.data[self.pos :]
        self.pos = len(self.data)
        return bytes(chunk)
