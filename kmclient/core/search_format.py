"""Whoosh's W3 segment format, read and written a posting list at a time.

Whoosh's own ``W3PostingsWriter`` and ``W3LeafMatcher`` handle one posting
per Python call; the search index reads and writes whole lists instead, in
exactly the same format (``whoosh.codec.whoosh3``: blocks of up to 128
postings, each a pickled ``(delta-coded ids, weights, values)`` tuple with a
pickled info tuple before it; term infos in an ordered hash file), so that
any Whoosh reader, query or writer works on the result
(tests/client_core/test_search_segment.py checks that).

On this machine ``zlib.compress`` costs ~50 µs per call whatever the size
(it allocates ~256 KB of state): only blocks with many postings are
compressed, with a small window, and ``zlib.decompress`` reads them as usual.
"""

from __future__ import annotations

import contextlib
import io
import pickle
import struct
import sys
import zlib
from array import array
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import accumulate, chain
from operator import sub

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3FieldWriter, W3TermInfo
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.index import FileIndex
from whoosh.reading import MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

BLOCK = 128  # postings per block, as Whoosh's W3 codec
_DEFLATE_AT = 32  # blocks with fewer postings are stored uncompressed (flag 0)
_TERMINFO = W3TermInfo._struct  # flags, weight, df, min/max length byte, max weight, min/max id
_EXTENT = struct.Struct("!qi")  # offset and length of a posting list in the .pst file
_BLOCK_LEN = struct.Struct("!i")
_KEY_FIELD = struct.Struct("!H")
_FREQ_MASK = 0xFFFFFFFF
_HIGH = 1 if sys.byteorder == "little" else 0  # which 32-bit half of a code is the docnum
_UINT = struct.Struct("!I")  # a Frequency posting's value
_KV_LENGTHS = struct.Struct("!ii")  # HashWriter record header
_ONES = [_UINT.pack(1) * n for n in range(BLOCK + 1)]  # values of blocks where every freq is 1


def deflate(data: bytes) -> bytes:
    """zlib stream with a 4 KB window: ~10 µs instead of ~50 µs for
    ``zlib.compress`` on small inputs; ``zlib.decompress`` reads it as usual."""
    co = zlib.compressobj(3, zlib.DEFLATED, 12, 4)
    return co.compress(data) + co.flush()


# -- reading ---------------------------------------------------------------------


class RawSegment:
    """Direct access to the term index and posting lists of one segment."""

    def __init__(self, reader: SegmentReader) -> None:
        terms = reader._terms  # W3TermsReader
        self.reader = reader
        self._tindex = terms._tindex
        self._postfile = terms._postfile
        self.fieldmap: dict[str, int] = terms._fieldmap

    def items(self, fieldname: str) -> Iterator[tuple[bytes, bytes]]:
        """(term bytes, term info bytes) of one field, in term order."""
        fid = self.fieldmap.get(fieldname)
        if fid is None:
            return
        prefix = _KEY_FIELD.pack(fid)
        for key, value in self._tindex.items_from(prefix):
            if key[:2] != prefix:
                return
            yield key[2:], value

    def terminfo(self, fieldname: str, btext: bytes) -> bytes | None:
        fid = self.fieldmap.get(fieldname)
        if fid is None:
            return None
        return self._tindex.get(_KEY_FIELD.pack(fid) + btext)

    def postings(self, info: bytes) -> tuple[list[int], list[float], bytes | None]:
        """All (ids, weights, raw values) of a posting list, deleted documents included."""
        if info[0]:  # inlined into the term info (Whoosh never writes these, but can read them)
            ids, weights, values = pickle.loads(info[_TERMINFO.size :])
            return list(ids), list(weights), b"".join(values) if values else None
        offset, length = _EXTENT.unpack_from(info, _TERMINFO.size)
        return decode_blocks(self._postfile.get(offset, length))


def decode_blocks(raw: bytes) -> tuple[list[int], list[float], bytes | None]:
    """Decode a W3 posting list (the format of ``W3PostingsWriter._write_block``)."""
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a Whoosh 3 posting list")
    f = io.BytesIO(raw)
    pos = 4
    ids: list[int] = []
    weights: list[float] = []
    values: list[bytes] = []
    while True:
        (size,) = _BLOCK_LEN.unpack_from(raw, pos)
        f.seek(pos + 4)
        count, _, _, comp, _, _ = pickle.load(f)
        end = pos + 4 + abs(size)
        data = raw[f.tell() : end]
        if comp:
            data = zlib.decompress(data)
        block_ids, block_weights, block_values = pickle.loads(data)
        ids.extend(accumulate(block_ids))
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * count)
        else:
            weights.extend(block_weights)
        if block_values:
            values.append(block_values)
        if size < 0:
            break
        pos = end
    return ids, weights, b"".join(values) if values else None


BYTE_LENGTHS = [byte_to_length(b) for b in range(256)]


def length_bytes(reader: SegmentReader, fieldname: str) -> bytes:
    """The field length byte of every document of a segment (0: none), read in
    one go instead of one column lookup per document."""
    n = reader.doc_count_all()
    column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    if column is None:
        return bytes(n)
    # A fixed-size column of one byte per document, cut after the last non-zero one.
    data = column._dbfile.get(column._basepos, column._count)
    return data + bytes(n - len(data))


def field_lengths(reader: SegmentReader, fieldname: str) -> list[int]:
    """``reader.doc_field_length(d, fieldname) or 0`` for every document."""
    return [BYTE_LENGTHS[b] for b in length_bytes(reader, fieldname)]


# -- writing -----------------------------------------------------------------------


STORED_CHUNK = 32  # documents per compression job
_COMPRESSOR: ThreadPoolExecutor | None = None


def compressor() -> ThreadPoolExecutor:
    global _COMPRESSOR
    if _COMPRESSOR is None:
        _COMPRESSOR = ThreadPoolExecutor(1, thread_name_prefix="kmclient-search-store")
    return _COMPRESSOR


def compress_stored(chunk: list[dict]) -> list[bytes]:
    """Stored fields as Whoosh's stored column holds them: zlib(pickle)."""
    return [deflate(pickle.dumps(fields, 2)) for fields in chunk]


def write_field(
    fw: W3FieldWriter,  # after start_field()
    terms: dict[str, array],
    boost: float,
    freq_values: bool,
    lens: bytearray | None,
) -> None:
    """Write every posting list of one field, terms in byte order (what the
    ordered term index needs; code point order is UTF-8 byte order)."""
    postfile = fw._postfile
    prefix = _KEY_FIELD.pack(fw._fieldid)
    pack_info = _TERMINFO.pack
    pack_extent = _EXTENT.pack
    dumps = pickle.dumps
    pos = postfile.tell()
    chunks: list[bytes] = []
    keys: list[bytes] = []
    infos: list[bytes] = []
    for term in sorted(terms):
        codes = terms[term]
        if len(codes) == 1:  # many terms of a segment: one block of one posting
            d = codes[0] >> 32
            f = codes[0] & _FREQ_MASK
            w = boost * f
            length = lens[d] if lens is not None else 0
            data = dumps(([d], None if w == 1.0 else w, _UINT.pack(f) if freq_values else None), 3)
            info = dumps((1, d, w, 0, length, length), 2)
            size = _BLOCK_LEN.pack(-len(info) - len(data))  # negative: the last block
            chunk = b"".join((WHOOSH3_HEADER_MAGIC, size, info, data))
            ti = pack_info(0, w, 1, length, length, w, d, d)
        else:
            chunk, ti = encode_postings(codes, boost, freq_values, lens)
        keys.append(prefix + term.encode("utf-8"))
        infos.append(ti + pack_extent(pos, len(chunk)))
        chunks.append(chunk)
        pos += len(chunk)
    postfile.write(b"".join(chunks))
    add_terms(fw._tindex, keys, infos)


def add_terms(tindex: OrderedHashWriter, keys: list[bytes], values: list[bytes]) -> None:
    """``OrderedHashWriter.add`` for many keys with one write: the same
    records, hash buckets and key index (whoosh.filedb.filetables)."""
    dbfile = tindex.dbfile
    pos = dbfile.tell()
    buckets = tindex.buckets
    index = tindex.index
    lastkey = tindex.lastkey
    hashfn = tindex.hashfn
    records: list[bytes] = []
    pack = _KV_LENGTHS.pack
    for key, value in zip(keys, values, strict=True):
        if key <= lastkey:
            raise ValueError(f"Keys must increase: {lastkey!r}..{key!r}")
        index.append(pos)
        h = hashfn(key)
        buckets[h & 255].append((h, pos))
        record = pack(len(key), len(value)) + key + value
        records.append(record)
        pos += len(record)
        lastkey = key
    dbfile.write(b"".join(records))
    tindex.lastkey = lastkey


def split_codes(codes: array) -> tuple[Sequence[int], Sequence[int]]:
    """(docnums, frequencies) of ``docnum << 32 | freq`` codes, at C speed: the
    64-bit codes seen as pairs of 32-bit halves."""
    halves = memoryview(codes).cast("B").cast("I")
    return halves[_HIGH::2], halves[1 - _HIGH :: 2]


def encode_postings(
    codes: array, boost: float, freq_values: bool, lens: bytearray | None
) -> tuple[bytes, bytes]:
    """One term's posting list in W3 blocks (``W3PostingsWriter._write_block``)
    and its term info (``W3TermInfo.to_bytes`` without the extent)."""
    all_ids, all_freqs = split_codes(codes)
    n = len(codes)
    out = [WHOOSH3_HEADER_MAGIC]
    min_all, max_all, top_all = 255, 0, 0
    for start in range(0, n, BLOCK):
        ids = all_ids[start : start + BLOCK]
        freqs = all_freqs[start : start + BLOCK]
        count = len(ids)
        deltas = list(map(sub, ids, chain((0,), ids)))  # Whoosh's delta encoding
        top = max(freqs)
        if top == 1:
            weights = None if boost == 1.0 else boost
            values = _ONES[count] if freq_values else None
        else:
            same = min(freqs) == top
            weights = boost * top if same else tuple([boost * f for f in freqs])
            values = struct.pack(f"!{count}I", *freqs) if freq_values else None
        data = pickle.dumps((deltas, weights, values), 3)
        comp = 0
        if count >= _DEFLATE_AT:
            data, comp = deflate(data), 3
        if lens is None:
            minlen = maxlen = 0
        else:
            got = bytes(map(lens.__getitem__, ids))
            minlen, maxlen = min(got), max(got)
            min_all = min(min_all, minlen)
            max_all = max(max_all, maxlen)
        top_all = max(top_all, top)
        info = pickle.dumps((count, ids[-1], boost * top, comp, minlen, maxlen), 2)
        size = len(info) + len(data)
        out.append(_BLOCK_LEN.pack(-size if start + BLOCK >= n else size))
        out.append(info)
        out.append(data)
    if lens is None:
        min_all = 0
    info = _TERMINFO.pack(
        0, boost * sum(all_freqs), n, min_all, max_all, boost * top_all, all_ids[0], all_ids[-1]
    )
    return b"".join(out), info


# -- opening ---------------------------------------------------------------------


def fresh_searcher(ix: FileIndex, stale: Searcher | None) -> Searcher:
    """A searcher on the latest commit of ix, reusing the open segment readers
    of a stale searcher (which must not be used or closed afterwards) for
    segments that did not change: same segment and same deleted documents.
    A commit usually adds one small segment, and opening each of the others
    again cost ~1 ms apiece. (``Searcher.refresh()`` is not the same: in
    whoosh-reloaded 2.7.5 it keeps segments that are gone.)"""
    if stale is None:
        return ix.searcher()
    reusable: dict[tuple[str, frozenset[int]], SegmentReader] = {}
    for leaf, _ in stale.reader().leaf_readers():
        segment = leaf.segment()
        if segment is not None:
            reusable[(segment.segment_id(), frozenset(segment.deleted_docs()))] = leaf
    readers: list[SegmentReader] = []
    try:
        toc = ix._read_toc()
        for segment in toc.segments:
            reader = reusable.pop((segment.segment_id(), frozenset(segment.deleted_docs())), None)
            if reader is None:
                reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
            readers.append(reader)
    except Exception:
        # E.g. a commit deleted a merged segment's files meanwhile: start over
        # the ordinary way, which retries.
        for reader in {id(r): r for r in [*readers, *reusable.values()]}.values():
            with contextlib.suppress(Exception):
                reader.close()
        return ix.searcher()
    for reader in reusable.values():
        reader.close()
    if not readers:
        return ix.searcher()
    return Searcher(MultiReader(readers, generation=toc.generation), fromindex=ix)
