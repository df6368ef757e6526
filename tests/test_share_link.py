"""Lesson links: round trips, and every kind of broken link refused cleanly."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.share_link import MAX_TOKEN, ShareLinkError, decode, encode
from playground.ui.lesson import COMMON, DESCENT, LAB

ALL = (*LAB, *DESCENT, *COMMON)


def _value(field):
    if field.choices is not None:
        return st.sampled_from(field.choices)
    if field.kind is bool:
        return st.booleans()
    if field.kind is int:
        return st.integers(int(field.low), int(field.high))
    if field.kind is float:
        return st.floats(field.low, field.high, allow_nan=False)
    return st.text(max_size=300)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({f.state: _value(f) for f in ALL}))
def test_every_state_round_trips(state) -> None:
    token = encode(ALL, state)
    assert len(token) <= MAX_TOKEN
    assert decode(ALL, token) == state


def test_defaults_make_a_tiny_link_and_code_is_compressed() -> None:
    defaults = {f.state: f.default for f in ALL}
    assert len(encode(ALL, defaults)) < 30
    long_code = {**defaults, "lab_code": "y = w * x + b\n" * 500}
    assert len(encode(ALL, long_code)) < 200


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_random_text_is_refused_not_crashing(token) -> None:
    with pytest.raises(ShareLinkError):
        decode(ALL, token)


def _token(payload: bytes) -> str:
    body = base64.urlsafe_b64encode(zlib.compress(payload)).decode().rstrip("=")
    return f"1.{body}.{zlib.crc32(payload):08x}"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "1.",
        "2.abc.00000000",  # another version
        _token(b"[1, 2]"),  # not an object
        _token(b"{not json"),
        _token(json.dumps({"zz": 1}).encode()),  # unknown field
        _token(json.dumps({"lr": 0.123}).encode()),  # not one of the slider's values
        _token(json.dumps({"e": 10**9}).encode()),  # out of range
        _token(json.dumps({"c": 5}).encode()),  # wrong type
        _token(json.dumps({"st": "yes"}).encode()),
        _token(json.dumps({"z": float("nan")}).encode()),
        _token(b"{}" + b" " * 70_000),  # a zip bomb's little sister
        "1." + "A" * (MAX_TOKEN + 1) + ".00000000",
    ],
)
def test_bad_links_are_refused(token: str) -> None:
    with pytest.raises(ShareLinkError):
        decode(ALL, token)


def test_tampered_and_truncated_links_are_refused() -> None:
    token = encode(ALL, {"lab_code": "a = torch.tensor(2., requires_grad=True)"})
    version, body, crc = token.split(".")
    flipped = body[:5] + ("A" if body[5] != "A" else "B") + body[6:]
    for bad in (token[:-4], f"{version}.{body[:-3]}.{crc}", f"{version}.{flipped}.{crc}"):
        with pytest.raises(ShareLinkError):
            decode(ALL, bad)


def test_a_link_cannot_smuggle_code_past_the_sandbox() -> None:
    """A link only fills the editor; what runs still goes through the sandbox."""
    import playground

    state = {"lab_code": "().__class__.__base__.__subclasses__()"}
    code = decode(ALL, encode(ALL, state))["lab_code"]
    result = playground.run(code)
    assert not result.ok and result.error.kind == "not_allowed"
