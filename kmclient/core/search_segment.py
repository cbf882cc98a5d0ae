"""Bulk writing and merging of Whoosh segments: the search index's write path.

Whoosh's own ``SegmentWriter`` handles every posting on its own in Python:
each one goes through a sorting pool, then ``W3PostingsWriter.add_posting``
(type asserts, and a field length read back from disk per posting), and the
last block of every term is zlib-compressed (~50 µs here). A segment of 200
documents has ~9,000 terms. Merging reads every posting back through the same
pool.

:class:`FastSegmentWriter` keeps Whoosh's segment format (see
``search_format``), its lock, TOC and merge-policy plumbing, but

- takes documents already analysed (:func:`prepare`: stripped text and
  counted terms),
- gathers each term's postings in memory and writes the whole list at commit,
- merges segments (``add_reader``, which Whoosh's merge policies call) from
  the postings it still holds for segments it wrote lately, from the stored
  text of small segments, or list by list: stored fields are copied still
  compressed, postings renumbered past deleted documents.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from array import array
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass

from whoosh.codec.whoosh3 import STORED_COLUMN
from whoosh.columns import VarBytesColumn
from whoosh.filedb.filetables import crc_hash
from whoosh.index import FileIndex
from whoosh.reading import SegmentReader
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from kmclient.core.search_format import (
    BYTE_LENGTHS,
    STORED_CHUNK,
    RawSegment,
    compress_stored,
    compressor,
    length_bytes,
    split_codes,
    write_field,
)
from kmclient.core.search_text import index_terms, markdown_to_text, normalize

TEXT_FIELDS = ("body", "title")  # scorable text fields; the others are doc_id and topics
_FIELDS = ("body", "doc_id", "title", "topics")  # Whoosh's order: sorted by name

MERGE_FACTOR = 8  # segments of one size class that are merged into one
SYNC_MERGE_DOCS = 512  # a commit merges at most this many docs (or 10x its own)
REANALYSE_DOCS = 256  # smaller segments are merged from their stored text
RECENT_DOCS = 512  # segments up to this size keep their postings in memory to be merged


@dataclass(frozen=True, slots=True)
class PreparedDoc:
    """A document ready to index: stored values and counted index terms."""

    doc_id: str
    title: str  # NFC-normalized, stored
    body: str  # plain text of the Markdown, stored
    topics: tuple[str, ...]
    title_terms: dict[str, int]
    body_terms: dict[str, int]


@dataclass(frozen=True, slots=True)
class SegmentPostings:
    """What a FastSegmentWriter gathered for a segment it wrote: kept for the
    small recent segments, so that merging one needs no reading back."""

    post: dict[str, dict[str, array]]  # field -> term -> docnum << 32 | freq
    lens: dict[str, bytearray]  # field length byte per document
    doc_ids: dict[str, int]
    docs: int
    size: int  # postings


def prepare(doc_id: str, title: str, body: str, topics: Iterable[str]) -> PreparedDoc:
    """Validate and analyse one document (no Whoosh state: may run anywhere)."""
    if not isinstance(doc_id, str) or not doc_id:
        raise ValueError(f"doc_id must be a non-empty string, not {doc_id!r}")
    if isinstance(topics, str):
        raise TypeError("topics must be a sequence of topic ids, not a string")
    title = normalize(title or "")
    text = markdown_to_text(body or "")
    kept = tuple(t for t in dict.fromkeys(topics or ()) if t)
    return PreparedDoc(doc_id, title, text, kept, index_terms(title), index_terms(text))


# -- writing -----------------------------------------------------------------------


class FastSegmentWriter(SegmentWriter):
    """A Whoosh ``SegmentWriter`` fed with :class:`PreparedDoc` (see the module doc).

    ``add_document``/``update_document`` are not supported: use
    :meth:`add_prepared`. ``add_reader`` (what Whoosh's merge policies call)
    is. After ``commit``, :attr:`doc_ids` maps the doc ids of the new segment
    to their document numbers in it.
    """

    def __init__(
        self,
        ix: FileIndex,
        recent: dict[str, SegmentPostings] | None = None,
        **kwargs: object,
    ) -> None:
        """``recent``: postings of segments written lately, by segment id (merged from memory)."""
        super().__init__(ix, **kwargs)
        self._recent = recent or {}
        # term -> docnum << 32 | frequency, in docnum order, per field
        self._post: dict[str, dict[str, array]] = {name: {} for name in _FIELDS}
        self._lens = {name: bytearray() for name in TEXT_FIELDS}  # length byte per document
        self.doc_ids: dict[str, int] = {}
        # The term index hashes its keys with CRC32 (hash type 1, recorded in
        # the file header; Whoosh readers support it) instead of MD5: a tenth
        # of the cost. The field writer has only written the header so far.
        tindex = self.fieldwriter._tindex
        header_end = tindex.dbfile.tell()
        tindex.dbfile.seek(4)  # after the magic bytes
        tindex.dbfile.write_byte(1)
        tindex.dbfile.seek(header_end)
        tindex.hashtype, tindex.hashfn = 1, crc_hash
        # Stored fields are pickled and compressed by a thread (zlib lets go of
        # the GIL: ~40 µs a document that overlap with gathering postings) and
        # written in document order before the per-document column closes.
        self._stored = self.perdocwriter._colwriters["_stored"]._child  # CompressedBytesColumn
        self._stored_seq: list[bytes | Future[list[bytes]]] = []
        self._stored_chunk: list[dict] = []

    def add_document(self, **fields: object) -> None:
        raise NotImplementedError("FastSegmentWriter takes prepared documents (add_prepared)")

    def add_prepared(self, doc: PreparedDoc, stored: bytes | None = None) -> None:
        """Add a document; ``stored``: its stored fields as already written
        by a segment (compressed pickle), to copy instead of writing them."""
        self._check_state()
        docnum = self.docnum
        code = docnum << 32
        schema = self.schema
        pdw = self.perdocwriter
        pdw.start_doc(docnum)
        for name, terms, value in (
            ("body", doc.body_terms, doc.body),
            ("doc_id", None, doc.doc_id),
            ("title", doc.title_terms, doc.title),
            ("topics", None, list(doc.topics)),
        ):
            post = self._post[name]
            length = 0
            if terms is None:  # doc_id, topics: each value once
                for term in [value] if name == "doc_id" else value:
                    _append(post, term, code | 1)
            else:
                for term, n in terms.items():
                    codes = post.get(term)
                    if codes is None:
                        post[term] = array("Q", (code | n,))
                    else:
                        codes.append(code | n)
                length = sum(terms.values())
                self._lens[name].append(length_to_byte(length))
            pdw.add_field(name, schema[name], None, length)
        if stored is not None:
            self._submit_stored()  # (keeps document order)
            self._stored_seq.append(stored)
        else:
            self._queue_stored(
                {
                    "body": doc.body,
                    "doc_id": doc.doc_id,
                    "title": doc.title,
                    "topics": list(doc.topics),
                }
            )
        pdw.finish_doc()
        self.doc_ids[doc.doc_id] = docnum
        self._added = True
        self.docnum += 1

    def postings(self) -> SegmentPostings:
        """This writer's postings (for the ``recent`` of later writers)."""
        size = sum(len(codes) for terms in self._post.values() for codes in terms.values())
        return SegmentPostings(self._post, self._lens, self.doc_ids, self.docnum, size)

    def add_reader(self, reader: SegmentReader) -> None:  # type: ignore[override]
        """Append the live documents of a segment (a merge): from memory if
        this process wrote it lately, else from its stored text if it is
        small, else from its posting lists."""
        self._check_state()
        n_all = reader.doc_count_all()
        deleted = set(reader.segment().deleted_docs()) if reader.has_deletions() else set()
        stored = reader._perdoc._cached_reader("_stored", STORED_COLUMN)._child
        memory = self._recent.get(reader.segment().segment_id())
        if memory is not None and memory.docs == n_all:
            docmap = self._copy_docs(reader, deleted, stored, memory.lens)
            self._add_from_memory(memory, docmap, bool(deleted))
        elif n_all <= REANALYSE_DOCS:
            self._add_reanalysed(n_all, deleted, stored)
        else:
            lens = {name: length_bytes(reader, name) for name in TEXT_FIELDS}
            docmap = self._copy_docs(reader, deleted, stored, lens)
            self._add_decoded(RawSegment(reader), docmap)
        self._added = True

    def _copy_docs(
        self,
        reader: SegmentReader,
        deleted: set[int],
        stored: VarBytesColumn.Reader,
        lens: dict[str, bytes] | dict[str, bytearray],
    ) -> list[int]:
        """Copy the live documents' stored fields (still compressed) and field
        lengths; returns old -> new document number (-1: deleted)."""
        n_all = reader.doc_count_all()
        docmap = [-1] * n_all
        schema = self.schema
        pdw = self.perdocwriter
        for d in range(n_all):
            if d in deleted:
                continue
            docnum = self.docnum
            docmap[d] = docnum
            pdw.start_doc(docnum)
            for name in TEXT_FIELDS:
                b = lens[name][d]
                self._lens[name].append(b)
                pdw.add_field(name, schema[name], None, BYTE_LENGTHS[b])
            self._submit_stored()  # (keeps document order)
            self._stored_seq.append(VarBytesColumn.Reader.__getitem__(stored, d))  # compressed
            pdw.finish_doc()
            self.docnum += 1
        # The totals (for BM25's average length) stay exact where they can:
        # the segment's exact total less the byte-rounded lengths of deleted docs.
        for name in TEXT_FIELDS:
            gone = sum(BYTE_LENGTHS[lens[name][d]] for d in deleted)
            kept = sum(BYTE_LENGTHS[b] for d, b in enumerate(lens[name]) if docmap[d] >= 0)
            exact = reader.field_length(name) - gone
            pdw._fieldlengths[name] += exact - kept
        return docmap

    def _add_from_memory(self, memory: SegmentPostings, docmap: list[int], deletions: bool) -> None:
        shift = (docmap[0] << 32) if docmap and not deletions else 0
        for name in _FIELDS:
            post = self._post[name]
            for term, codes in memory.post[name].items():
                if not deletions:
                    new = array("Q", [c + shift for c in codes])
                else:
                    ids, freqs = split_codes(codes)
                    live = zip(map(docmap.__getitem__, ids), freqs, strict=True)
                    new = array("Q", [d << 32 | n for d, n in live if d >= 0])
                    if not new:
                        continue
                old = post.get(term)
                if old is None:
                    post[term] = new
                else:
                    old.extend(new)
        for doc_id, d in memory.doc_ids.items():
            if docmap[d] >= 0:
                self.doc_ids[doc_id] = docmap[d]

    def _add_decoded(self, raw_segment: RawSegment, docmap: list[int]) -> None:
        for name in _FIELDS:
            post = self._post[name]
            for btext, info in raw_segment.items(name):
                ids, _, values = raw_segment.postings(info)
                if values is not None and len(values) == 4 * len(ids):
                    freqs = struct.unpack(f"!{len(ids)}I", values)
                else:  # Existence format (doc_id): no values
                    freqs = [1] * len(ids)
                live = zip(map(docmap.__getitem__, ids), freqs, strict=True)
                codes = array("Q", [d << 32 | n for d, n in live if d >= 0])
                if not codes:
                    continue
                term = btext.decode("utf-8")
                if name == "doc_id":
                    self.doc_ids[term] = codes[0] >> 32
                old = post.get(term)
                if old is None:
                    post[term] = codes
                else:
                    old.extend(codes)

    def _add_reanalysed(self, n_all: int, deleted: set[int], stored: VarBytesColumn.Reader) -> None:
        """Merge a small segment by analysing its stored text again: cheaper
        than decoding its posting lists, most of which hold one posting (a
        one-document segment has hundreds). The stored title and body are the
        text that was indexed, so the terms come out the same."""
        for d in range(n_all):
            if d in deleted:
                continue
            raw = VarBytesColumn.Reader.__getitem__(stored, d)
            fields = pickle.loads(zlib.decompress(raw))
            title, body = fields.get("title") or "", fields.get("body") or ""
            topics = tuple(fields.get("topics") or ())
            terms = index_terms(title), index_terms(body)
            self.add_prepared(PreparedDoc(fields["doc_id"], title, body, topics, *terms), raw)

    def _queue_stored(self, fields: dict) -> None:
        self._stored_chunk.append(fields)
        if len(self._stored_chunk) >= STORED_CHUNK:
            self._submit_stored()

    def _submit_stored(self) -> None:
        if self._stored_chunk:
            self._stored_seq.append(compressor().submit(compress_stored, self._stored_chunk))
            self._stored_chunk = []

    def _write_stored(self) -> None:
        self._submit_stored()
        docnum = 0
        for item in self._stored_seq:
            for raw in item.result() if isinstance(item, Future) else (item,):
                if raw:
                    VarBytesColumn.Writer.add(self._stored, docnum, raw)
                docnum += 1
        self._stored_seq = []

    def _flush_segment(self) -> None:
        self._write_stored()
        self.perdocwriter.close()
        fw = self.fieldwriter
        for name in _FIELDS:
            terms = self._post[name]
            if not terms:
                continue
            fieldobj = self.schema[name]
            fw.start_field(name, fieldobj)
            write_field(
                fw,
                terms,
                fieldobj.format.field_boost,
                fieldobj.format.fixed_value_size() == 4,
                self._lens.get(name),
            )
            fw.finish_field()
        fw.close()


def _append(post: dict[str, array], term: str, code: int) -> None:
    codes = post.get(term)
    if codes is None:
        post[term] = array("Q", (code,))
    else:
        codes.append(code)


# -- merging and document ids ---------------------------------------------------------


def size_class(docs: int) -> int:
    """0 for 1-7 live documents, 1 for 8-63, 2 for 64-511, ... (log base MERGE_FACTOR)."""
    level = 0
    while docs >= MERGE_FACTOR:
        docs //= MERGE_FACTOR
        level += 1
    return level


def sync_merge_cap(added: int) -> int:
    """How many documents a commit that adds ``added`` may merge: a single
    edit stays fast, a sync batch merges up to ten times its size. Larger
    merges wait for idle time (:meth:`SearchIndex.merge_idle`)."""
    return max(SYNC_MERGE_DOCS, 10 * added)


def merge_group(segments: list, cap: int | None) -> list:
    """The segments the tiered policy would merge now: the smallest size class
    with MERGE_FACTOR segments or more, if they hold at most ``cap`` live
    documents (None: any size). A class that has grown to three times the
    factor is merged whatever its size, so the number of segments stays
    bounded even if nobody calls the idle merge."""
    by_class: dict[int, list] = {}
    for seg in segments:
        if seg.doc_count() > 0:
            by_class.setdefault(size_class(seg.doc_count()), []).append(seg)
    for level in sorted(by_class):
        group = by_class[level]
        if len(group) < MERGE_FACTOR:
            continue
        docs = sum(seg.doc_count() for seg in group)
        if cap is None or docs <= cap or len(group) >= 3 * MERGE_FACTOR:
            return group
    return []


def tiered_merge(cap: int | None) -> Callable[[SegmentWriter, list], list]:
    """Whoosh merge policy: once MERGE_FACTOR segments share a size class,
    merge them into the segment being written, if they hold at most ``cap``
    live documents (see :func:`merge_group`). Each document is then rewritten
    about once per size class it climbs (log_8 of the index size times in
    all). Segments whose documents were all deleted are dropped."""

    def policy(writer: SegmentWriter, segments: list) -> list:
        keep = [seg for seg in segments if seg.doc_count() > 0]
        group = merge_group(keep, cap)
        for seg in group:
            reader = SegmentReader(writer.storage, writer.schema, seg)
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
        return [seg for seg in keep if seg not in group]

    return policy


def read_doc_ids(reader: SegmentReader) -> dict[str, int]:
    """Live doc id -> document number of one segment, from its doc_id postings."""
    raw = RawSegment(reader)
    deleted = set(reader.segment().deleted_docs()) if reader.has_deletions() else ()
    out: dict[str, int] = {}
    for btext, info in raw.items("doc_id"):
        for d in raw.postings(info)[0]:
            if d not in deleted:
                out[btext.decode("utf-8")] = d
    return out
