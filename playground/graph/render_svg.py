"""DOT -> SVG through the Graphviz `dot` binary, when it is installed.

The browser lays graphs out itself, so the binary is optional: only the SVG
download needs it. Layout can take very long on some shapes, hence the timeout.
"""

from __future__ import annotations

import shutil
import subprocess


class SvgUnavailable(Exception):
    """Why no SVG could be made, in words for the page."""


def dot_binary() -> str | None:
    """Path of Graphviz's `dot`, or None when it is not installed."""
    return shutil.which("dot")


def svg_from_dot(source: str, timeout: float = 10.0) -> bytes:
    """Lay out `source` with `dot -Tsvg`; raise `SvgUnavailable` with the reason."""
    binary = dot_binary()
    if binary is None:
        raise SvgUnavailable(
            "SVG export needs the Graphviz `dot` program, which is not installed "
            "on this server (e.g. `apt-get install graphviz`). The DOT download "
            "works everywhere and opens in any Graphviz viewer."
        )
    try:
        done = subprocess.run(
            [binary, "-Tsvg"], input=source.encode(), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise SvgUnavailable(f"Graphviz did not finish laying out within {timeout:g} s.") from None
    if done.returncode != 0:
        raise SvgUnavailable(f"Graphviz failed: {done.stderr.decode(errors='replace')[:200]}")
    return done.stdout
