"""AppTest: buttons are named by plain words (icons apart), and the theme follows the system.

The browser tests (tests/e2e/test_accessibility.py) find these buttons by role and
name; here, without a browser, the labels themselves: a label holding an arrow glyph
("Next ▶") made the accessible name "Next ▶", which `name="Next", exact=True` misses.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def _labels(at: AppTest) -> dict[str, str]:
    return {b.key: b.label for b in at.button}


def test_stepper_buttons_are_words_and_play_becomes_pause() -> None:
    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.toggle(key="lab_stepping").set_value(True).run()
    labels = _labels(at)
    assert [labels[k] for k in ("lab_prev", "lab_next", "lab_play", "lab_restart")] == [
        "Prev",
        "Next",
        "Play",
        "Restart",
    ]
    at.button(key="lab_play").click().run()
    assert _labels(at)["lab_play"] == "Pause"
    assert at.toggle(key="lab_raw").label == "Raw autograd view"
    assert not at.exception


def test_tour_buttons_are_words() -> None:
    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "playground/ui/tour.py"), default_timeout=60).run()
    labels = _labels(at)
    assert (labels["tour_back"], labels["tour_next"]) == ("Back", "Next")


def _relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _blend(top: str, under: str, alpha: float) -> str:
    mixed = [
        round(int(top[i : i + 2], 16) * alpha + int(under[i : i + 2], 16) * (1 - alpha))
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def test_theme_follows_the_system_and_captions_stay_readable() -> None:
    """No forced base: a light and a dark section, so Streamlit offers both and follows
    the system. Captions are the text colour at 60 % on the page's background (Streamlit's
    `fadedText60`); both themes keep them at 4.5:1 or more."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    theme = config["theme"]
    assert "base" not in theme
    assert theme["baseFontSize"] == 18
    backgrounds = {"light": "#ffffff", "dark": "#171614"}  # Streamlit's defaults, not set
    for name, background in backgrounds.items():
        assert "backgroundColor" not in theme[name]
        text = theme[name]["textColor"]
        assert _contrast(text, background) >= 4.5
        assert _contrast(_blend(text, background, 0.6), background) >= 4.5, name
