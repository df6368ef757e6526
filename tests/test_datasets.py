"""Data sets: the tutorial's crops, the synthetic line, and every CSV refusal."""

from __future__ import annotations

import pytest
import torch

from playground.training import datasets
from playground.training.datasets import DatasetError, from_csv, read_csv
from playground.training.descent import TrainConfig, train


def test_crops_are_the_tutorials_values(ref):
    data = datasets.crops()
    assert torch.equal(data.x, torch.tensor(ref.crop_inputs, dtype=torch.float32))
    assert torch.equal(data.y, torch.tensor(ref.crop_targets, dtype=torch.float32))
    assert data.x.dtype == data.y.dtype == torch.float32
    assert data.x_names == ("temperature", "rainfall", "humidity")
    assert data.y_names == ("apples", "oranges")


def test_crops_are_fresh_tensors_every_call(ref):
    first = datasets.crops()
    first.x.mul_(0)
    first.y.add_(1)
    second = datasets.crops()
    assert torch.equal(second.x, torch.tensor(ref.crop_inputs, dtype=torch.float32))
    assert torch.equal(second.y, torch.tensor(ref.crop_targets, dtype=torch.float32))


def test_line_is_reproducible_per_seed_and_differs_across_seeds():
    one, again, other = datasets.line(seed=3), datasets.line(seed=3), datasets.line(seed=4)
    assert torch.equal(one.x, again.x) and torch.equal(one.y, again.y)
    assert not torch.equal(one.x, other.x)
    assert not torch.equal(one.y, other.y)
    assert one.x.shape == (40, 1) and one.y.shape == (40, 1)
    assert one.x.dtype == one.y.dtype == torch.float32
    assert (one.x >= -5).all() and (one.x <= 5).all()


def test_line_without_noise_lies_on_the_line():
    data = datasets.line(points=100, noise=0.0, a=3.0, b=-2.0, seed=1)
    torch.testing.assert_close(data.y, 3.0 * data.x - 2.0)


def test_line_noise_has_the_asked_spread():
    data = datasets.line(points=5000, noise=2.0, a=0.5, b=1.0, seed=2)
    residual = data.y - (0.5 * data.x + 1.0)
    assert float(residual.std()) == pytest.approx(2.0, rel=0.05)
    assert abs(float(residual.mean())) < 0.1


def test_line_uses_its_own_generator():
    torch.manual_seed(5)
    state = torch.get_rng_state()
    first = datasets.line(seed=9)
    assert torch.equal(torch.get_rng_state(), state)
    torch.manual_seed(77)
    assert torch.equal(datasets.line(seed=9).y, first.y)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"points": 1}, "between 2 and 10,000 points"),
        ({"points": 10_001}, "between 2 and 10,000 points"),
        ({"noise": -1.0}, "Noise must be"),
        ({"noise": float("nan")}, "Noise must be"),
    ],
)
def test_line_refuses_bad_settings(kwargs, message):
    with pytest.raises(DatasetError, match=message):
        datasets.line(**kwargs)


GOOD = b"temp,rain,apples\n73,67,56\n91,88,81\n87,134,119\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"a,b\n", "fewer than 2 data rows"),
        (b"a,b\n1,2\n", "fewer than 2 data rows"),
        (b"a,b\n1,2\n\n  ,  \n", "fewer than 2 data rows"),
        (b"a,b\n1,2\n3,x7\n", "Row 3, column 'b' is not a number: 'x7'"),
        (b"a,b\n1,2\n3,\n", "Row 3, column 'b' is empty \\(missing value\\)"),
        (b"a,b\n1, \n3,4\n", "Row 2, column 'b' is empty"),
        (b"a,b\n1,nan\n3,4\n", "Row 2, column 'b' is not a finite number"),
        (b"a,b\n1,2\n-inf,4\n", "Row 3, column 'a' is not a finite number"),
        (b"a,b\n1,2\n1e39,4\n", "Row 3, column 'a' is too large"),
        (b"a,b\n1,2\n3,4,5\n", "Row 3 has 3 cells but the header has 2"),
        (b"a,b,c\n1,2,3\n4,5\n", "Row 3 has 2 cells but the header has 3"),
        (b"a,b,a\n1,2,3\n4,5,6\n", "Two columns have the same name"),
        (b"a, a\n1,2\n4,5\n", "Two columns have the same name"),
        (b"a,b\n\xff\xfe1,2\n3,4\n", "not UTF-8"),
        ("a,b\n1,2\n3,4\n".encode("utf-16"), "not UTF-8"),
    ],
)
def test_bad_csv_files_say_what_is_wrong(data, message):
    with pytest.raises(DatasetError, match=message):
        read_csv(data)
    with pytest.raises(DatasetError, match=message):
        from_csv(data, ["a"], ["b"])


def test_a_file_over_5_mb_is_refused_before_parsing():
    row = b"1,2\n"
    data = b"a,b\n" + row * (datasets.MAX_CSV_BYTES // len(row))
    assert len(data) > datasets.MAX_CSV_BYTES == 5 * 1024 * 1024
    with pytest.raises(DatasetError, match="larger than 5 MB"):
        read_csv(data)


def test_more_than_100000_rows_are_refused():
    assert datasets.MAX_CSV_ROWS == 100_000
    with pytest.raises(DatasetError, match="more than 100,000 rows"):
        read_csv(b"a,b\n" + b"1,2\n" * 100_001)


def test_the_row_cap_counts_data_rows_not_lines(monkeypatch):
    monkeypatch.setattr(datasets, "MAX_CSV_ROWS", 10)
    header, rows = read_csv(b"a,b\n" + b"1,2\n\n" * 10)  # blank lines are not rows
    assert header == ["a", "b"] and len(rows) == 10
    with pytest.raises(DatasetError, match="more than 10 rows"):
        read_csv(b"a,b\n" + b"1,2\n" * 11)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (["temp", "wind"], ["apples"], "No column named 'wind'"),
        (["temp"], ["pears"], "No column named 'pears'"),
        (["temp", "rain"], ["rain"], "'rain' cannot be both an input and a target"),
        ([], ["apples"], "Choose at least one input column and one target column"),
        (["temp"], [], "Choose at least one input column and one target column"),
    ],
)
def test_wrong_column_choices_say_what_is_wrong(x, y, message):
    with pytest.raises(DatasetError, match=message):
        from_csv(GOOD, x, y)


def test_dataset_errors_are_value_errors_for_callers():
    assert issubclass(DatasetError, ValueError)


def test_valid_csv_reads_numbers_with_bom_spaces_and_blank_lines():
    data = "\ufefftemp , rain,apples\r\n73, 67 ,56\r\n\r\n91,88,81.5\r\n".encode()
    header, rows = read_csv(data)
    assert header == ["temp", "rain", "apples"]
    assert rows == [[73.0, 67.0, 56.0], [91.0, 88.0, 81.5]]
    chosen = from_csv(data, ["rain", "temp"], ["apples"])
    assert torch.equal(chosen.x, torch.tensor([[67.0, 73.0], [88.0, 91.0]]))
    assert torch.equal(chosen.y, torch.tensor([[56.0], [81.5]]))
    assert chosen.x_names == ("rain", "temp") and chosen.y_names == ("apples",)
    assert chosen.name == "csv"


def test_blank_header_cells_get_names():
    header, _ = read_csv(b"a,,c\n1,2,3\n4,5,6\n")
    assert header == ["a", "column 2", "c"]


def test_csv_of_the_crop_data_trains_like_the_crops(ref):
    lines = ["temperature,rainfall,humidity,apples,oranges"]
    lines += [
        ",".join(str(v) for v in (*x, *y))
        for x, y in zip(ref.crop_inputs, ref.crop_targets, strict=True)
    ]
    data = from_csv(
        "\n".join(lines).encode(), ["temperature", "rainfall", "humidity"], ["apples", "oranges"]
    )
    config = TrainConfig(epochs=30, seed=2)
    run = train(data, config)
    expected = train(datasets.crops(), config)
    assert run.stopped_at is None
    assert run.losses.tolist() == expected.losses.tolist()
    assert run.losses[-1] < run.losses[0]


def test_a_valid_csv_trains_to_its_line():
    rows = "\n".join(f"{x},{2 * x + 1}" for x in range(-5, 6))
    data = from_csv(f"x,y\n{rows}\n".encode(), ["x"], ["y"])
    run = train(data, TrainConfig(lr=0.02, epochs=600, seed=1))
    assert run.stopped_at is None
    assert run.losses[-1] < 1e-6
    assert run.w[-1][0, 0] == pytest.approx(2.0, abs=1e-3)
    assert run.b[-1][0] == pytest.approx(1.0, abs=1e-3)
