"""A lesson in a link: page state <-> a short, versioned, URL-safe token.

One table of fields per page (`Field`) drives encoding, decoding, validation and
defaults, so adding a control to a lesson is one line. Tokens are
`<version>.<base64url(zlib(json))>.<crc32>`; anything that does not decode to valid
fields raises `ShareLinkError` and the page falls back to its defaults.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

VERSION = "1"
MAX_TOKEN = 12_000  # characters in the URL parameter
MAX_JSON = 64_000  # bytes after decompression


class ShareLinkError(ValueError):
    """A link that cannot be trusted: broken, truncated, tampered or too large."""


@dataclass(frozen=True)
class Field:
    """One piece of lesson state: its key in the link and in `st.session_state`."""

    key: str
    state: str
    kind: type  # str, float, int or bool
    default: object
    choices: tuple[object, ...] | None = None
    low: float | None = None
    high: float | None = None
    max_len: int = 20_000

    def check(self, value: object) -> object:
        """The value if valid for this field, else `ShareLinkError`."""
        if self.kind is bool:
            ok = isinstance(value, bool)
        elif self.kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif self.kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            ok = ok and math.isfinite(value)
            value = float(value) if ok else value
        else:
            ok = isinstance(value, str) and len(value) <= self.max_len
        if ok and self.choices is not None:
            ok = value in self.choices
        if ok and self.low is not None:
            ok = self.low <= value <= self.high
        if not ok:
            raise ShareLinkError(f"The link's value for '{self.key}' is not valid.")
        return value


def encode(fields: Sequence[Field], state: dict[str, object]) -> str:
    """Token holding every field of `state` that differs from its default."""
    data = {
        f.key: state[f.state] for f in fields if f.state in state and state[f.state] != f.default
    }
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    body = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")
    return f"{VERSION}.{body}.{zlib.crc32(raw):08x}"


def decode(fields: Sequence[Field], token: str) -> dict[str, object]:
    """`{state key: value}` for every field (defaults filled in), or `ShareLinkError`."""
    if len(token) > MAX_TOKEN:
        raise ShareLinkError("The link is too long to be one of ours.")
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        raise ShareLinkError("The link is not a lesson link of this version.")
    raw = _inflate(parts[1])
    if f"{zlib.crc32(raw):08x}" != parts[2]:
        raise ShareLinkError("The link was changed or cut short (its checksum does not match).")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ShareLinkError("The link's contents are not readable.") from None
    if not isinstance(data, dict):
        raise ShareLinkError("The link's contents are not a lesson.")
    known = {f.key: f for f in fields}
    unknown = set(data) - set(known)
    if unknown:
        raise ShareLinkError(
            f"The link has a setting this page does not know: {sorted(unknown)[0]}."
        )
    state = {f.state: f.default for f in fields}
    for key, value in data.items():
        state[known[key].state] = known[key].check(value)
    return state


def _inflate(body: str) -> bytes:
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise ShareLinkError("The link is damaged (not valid base64).") from None
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(packed, MAX_JSON)
    except zlib.error:
        raise ShareLinkError("The link is damaged (cannot be decompressed).") from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise ShareLinkError("The link is damaged, cut short or too large.")
    return raw
