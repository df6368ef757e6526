"""Browser tests: training runs that go wrong end with a message, and the page stays usable.

`test_studio.py` covers a small bad CSV and the "learning rate too high" mistake; here a
problem shows up late (deep in a big file, or only once training overflows), after the
student already has results, and the student then recovers and trains again. The
studio's model is always the tutorial's linear `x @ w.t() + b`: there is no custom
model whose program could fail, so that fault has no test here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_lab import assert_no_traceback
from test_studio import open_studio, wait_for_player_run
from waits import wait_run_done

from playground.training import datasets
from playground.training.descent import TrainConfig, TrainRun, train

pytestmark = pytest.mark.e2e

ROWS = 20_000  # a file big enough that its bad cell sits far below what anyone looks at


def good_csv(rows: int = 30) -> bytes:
    lines = [f"{h / 10:g},{3 * h / 10 + 2 + (h % 3) * 0.5:g}" for h in range(1, rows + 1)]
    return ("hours,score\n" + "\n".join(lines) + "\n").encode()


def expected_run(csv: bytes, config: TrainConfig | None = None) -> TrainRun:
    """What the studio should show for `csv`, from the same training code, in-process."""
    data = datasets.from_csv(csv, ["hours"], ["score"])
    return train(data, config or TrainConfig())


def upload(page: Page, path: Path, content: bytes) -> None:
    path.write_bytes(content)
    page.locator("input[type=file]").set_input_files(str(path))


def shown_losses(page: Page) -> list[float | None]:
    return page.evaluate("document.querySelector('.agp-loss').data[0].y")


def play_to_the_end(page: Page, run: TrainRun) -> None:
    """Once the player holds `run`, reset, play at top speed, and check the curve is its losses.

    Pressing Play before the page has the new run would replay the run before it.
    """
    last = len(run.losses) - 1
    wait_run_done(page)
    wait_for_player_run(page, run.losses.tolist())
    page.click(".agp-reset")
    expect(page.locator(".agp-epoch")).to_have_text(f"Epoch 0 / {last}")
    page.select_option(".agp-speed", "120")
    page.click(".agp-play")
    expect(page.locator(".agp-epoch")).to_have_text(f"Epoch {last} / {last}")
    assert shown_losses(page) == pytest.approx(run.losses.tolist(), rel=1e-5)


def open_csv_studio(page: Page, url: str, tmp_path: Path) -> TrainRun:
    """The studio trained on a good uploaded file; returns that file's run."""
    open_studio(page, url)
    page.get_by_text("Upload CSV").click()
    upload(page, tmp_path / "good.csv", good_csv())
    expect(page.locator(".agp-fit .xtitle")).to_have_text("hours")
    run = expected_run(good_csv())
    play_to_the_end(page, run)
    return run


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("oops", "is not a number"),
        ("nan", "is not a finite number"),
        ("-inf", "is not a finite number"),
    ],
    ids=["text", "nan", "inf"],
)
def test_a_bad_cell_deep_in_a_big_file_keeps_the_last_results(
    page: Page, server_url: str, tmp_path: Path, cell: str, problem: str
) -> None:
    good_run = open_csv_studio(page, server_url, tmp_path)
    lines = [f"{i % 97},{2 * (i % 97) + 1}" for i in range(ROWS)]
    datasets.read_csv(("hours,score\n" + "\n".join(lines)).encode())  # fine as it is...
    bad_index = ROWS - 3
    line_no = bad_index + 2  # the header is line 1
    lines[bad_index] = f"{bad_index % 97},{cell}"
    bad = ("hours,score\n" + "\n".join(lines) + "\n").encode()
    with pytest.raises(datasets.DatasetError, match=f"Row {line_no}"):  # ...but for one cell
        datasets.read_csv(bad)
    upload(page, tmp_path / "big.csv", bad)

    expect(page.get_by_text(f"Row {line_no}, column 'score' {problem}").first).to_be_visible()
    expect(page.get_by_text("Showing the last data set").first).to_be_visible()
    assert_no_traceback(page)
    play_to_the_end(page, good_run)  # the last results still play

    upload(page, tmp_path / "fixed.csv", good_csv(50))
    expect(page.get_by_text("Showing the last data set")).to_have_count(0)
    play_to_the_end(page, expected_run(good_csv(50)))
    assert_no_traceback(page)


def test_values_that_overflow_in_training_stop_with_a_message(
    page: Page, server_url: str, tmp_path: Path
) -> None:
    """Every number fits in float32, but squaring the error does not: inf at epoch 0."""
    good_run = open_csv_studio(page, server_url, tmp_path)
    rows = [f"{h},{1e20 if h == 7 else 2 * h}" for h in range(1, 31)]
    huge = ("hours,score\n" + "\n".join(rows) + "\n").encode()
    datasets.read_csv(huge)  # a valid file: the problem only appears while training
    run = expected_run(huge)
    assert run.stopped_at is not None and run.stop_reason == "diverged"
    upload(page, tmp_path / "huge.csv", huge)

    stopped = f"Training stopped at epoch {run.stopped_at}: the loss became infinite or NaN"
    expect(page.get_by_text(stopped).first).to_be_visible()
    expect(page.locator(".agp-msg")).to_contain_text("too large for this data")
    assert_no_traceback(page)

    upload(page, tmp_path / "good-again.csv", good_csv())
    expect(page.get_by_text(stopped)).to_have_count(0)
    play_to_the_end(page, good_run)
    assert_no_traceback(page)


def test_a_learning_rate_that_makes_nan_then_a_good_one(page: Page, server_url: str) -> None:
    open_studio(page, server_url)
    crops = datasets.crops()
    play_to_the_end(page, train(crops, TrainConfig()))
    slider = page.get_by_role("slider", name="Learning rate")
    slider.focus()
    slider.press("End")  # lr = 1
    nan_run = train(crops, TrainConfig(lr=1.0))
    assert nan_run.stopped_at is not None
    stopped = f"Training stopped at epoch {nan_run.stopped_at}: the loss became infinite or NaN"
    expect(page.get_by_text(stopped).first).to_be_visible()
    wait_for_player_run(page, nan_run.losses.tolist())  # Play the new run, not the one before
    page.select_option(".agp-speed", "120")
    page.click(".agp-play")
    expect(page.locator(".agp-msg")).to_contain_text("The learning rate 1 is too large")
    assert_no_traceback(page)

    slider.focus()
    slider.press("Home")  # lr = 1e-7: slow, but it trains
    expect(page.get_by_text(stopped)).to_have_count(0)
    play_to_the_end(page, train(crops, TrainConfig(lr=1e-7)))
    assert_no_traceback(page)
