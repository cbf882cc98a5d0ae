"""The pure wire contract: lib0 codec, y-sync framing, /ws envelope, control messages."""

from __future__ import annotations

import random

import pytest

from kmserver.protocol import awareness, streams, ysync
from kmserver.protocol.codec import ProtocolError, Reader, write_var_string, write_var_uint
from kmserver.protocol.messages import parse_client_message, valid_doc_id, validate_meta


@pytest.mark.parametrize("num", [0, 1, 127, 128, 300, 2**21, 2**32 + 5, 2**63])
def test_var_uint_round_trip(num: int) -> None:
    reader = Reader(write_var_uint(num))
    assert reader.read_var_uint() == num and reader.remaining == 0


def test_var_string_counts_utf8_bytes_not_characters() -> None:
    encoded = write_var_string("åäö 😀")
    assert encoded[0] == len("åäö 😀".encode())  # 11 bytes, 5 characters
    assert Reader(encoded).read_var_string() == "åäö 😀"


@pytest.mark.parametrize(
    "data",
    [b"", b"\x80", b"\xff" * 11, b"\x05abc", b"\x02\xc3"],
)
def test_reader_refuses_truncated_or_endless_input(data: bytes) -> None:
    reader = Reader(data)
    with pytest.raises(ProtocolError):
        reader.read_var_string()


def test_envelope_round_trip_and_limits() -> None:
    message = ysync.sync_update(b"\x01\x02")
    assert ysync.unwrap(ysync.wrap("överklaga-bot", message)) == ("överklaga-bot", message)
    longest = streams.published("x" * 200)  # the longest id's published stream
    assert ysync.unwrap(ysync.wrap(longest, message)) == (longest, message)
    assert streams.parse(longest) == ("x" * 200, True)
    assert streams.parse("x" * 200) == ("x" * 200, False)
    with pytest.raises(ProtocolError):
        ysync.unwrap(ysync.wrap("x" * 217, message))
    with pytest.raises(ProtocolError):
        ysync.unwrap(write_var_uint(0) + message)


def test_parse_messages() -> None:
    msg = ysync.parse_message(ysync.sync_step1(b"\x00"))
    assert (msg.type, msg.step, msg.payload) == (
        ysync.MessageType.SYNC,
        ysync.SyncStep.STEP1,
        b"\x00",
    )
    assert ysync.parse_message(ysync.awareness(b"abc")).payload == b"abc"
    for bad in (b"\x09", b"\x00\x07\x00", b"\x00\x02\x09ab"):
        with pytest.raises(ProtocolError):
            ysync.parse_message(bad)


def test_random_bytes_never_escape_as_other_errors() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        try:
            _doc_id, raw = ysync.unwrap(blob)
            ysync.parse_message(raw)
        except ProtocolError:
            pass


def test_awareness_removal_bumps_clocks_and_nulls_states() -> None:
    update = awareness.encode([(7, 3, '{"user":{"name":"Åsa"}}')])
    assert awareness.parse(update) == [(7, 3, '{"user":{"name":"Åsa"}}')]
    assert awareness.parse(awareness.removal({7: 3})) == [(7, 4, "null")]


@pytest.mark.parametrize(
    "text",
    [
        '{"type":"hello","protocol":1,"token":123}',
        '{"type":"sync","cursor":true}',
        '{"type":"sync","cursor":0,"known":[1]}',
        '{"type":"open"}',
        '{"type":"open","doc":"a","ref":5}',
        '{"type":"set_meta","doc":"a","topics":"parking"}',
        '"hello"',
    ],
)
def test_control_messages_are_validated(text: str) -> None:
    with pytest.raises(ProtocolError):
        parse_client_message(text)


def test_valid_control_message_passes() -> None:
    msg = parse_client_message('{"type":"sync","cursor":3,"known":["a"],"ref":"r"}')
    assert msg["known"] == ["a"] and msg["ref"] == "r"


def test_doc_ids_and_metadata() -> None:
    assert valid_doc_id("parking-permit_2.v1")
    assert valid_doc_id("överklaga")  # letters include å, ä, ö
    for bad in ("", ".hidden", "a/b", "../x", "a b", " x", "x" * 201, "a@published"):
        assert not valid_doc_id(bad)
    validate_meta({"audience": ["everyone", "rep"], "review_every": 90})
    for bad in ({"audience": ["citizens"]}, {"review_every": 0}, {"title": "  "}):
        with pytest.raises(ProtocolError):
            validate_meta(bad)
