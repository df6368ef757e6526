"""AppTest: the tour walks every stop with live widgets and no exception."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def test_next_walks_every_stop_of_the_tutorial() -> None:
    from playground.ui.tour import STOPS

    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "playground/ui/tour.py"), default_timeout=60).run()
    titles = []
    for index in range(len(STOPS)):
        assert not at.exception, index
        titles.append(at.subheader[0].value)
        if index < len(STOPS) - 1:
            at.button(key="tour_next").click().run()
    assert titles == [s.title for s in STOPS]
    assert at.button(key="tour_next").disabled
    at.button(key="tour_back").click().run()
    assert at.subheader[0].value == STOPS[-2].title


def test_the_ragged_list_shows_pytorchs_error() -> None:
    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "playground/ui/tour.py"), default_timeout=60).run()
    at.button(key="tour_ragged").click().run()
    assert not at.exception
    assert "expected sequence of length 2" in at.error[0].value
