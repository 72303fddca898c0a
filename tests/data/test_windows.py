"""Time series to supervised windows: time order, targets `horizon` steps ahead, counts."""

from __future__ import annotations

import numpy as np
import pytest

from dlspec.data import windows
from dlspec.spec.sections import WindowSpec


@pytest.mark.parametrize(("length", "horizon"), [(1, 1), (3, 1), (4, 2), (5, 5)])
def test_windows_keep_time_order_and_look_horizon_steps_ahead(length, horizon):
    steps = np.arange(20, dtype=np.float32)
    series = np.stack([steps, -steps], axis=1)
    x, y = windows.make(series, steps * 10, WindowSpec(length=length, horizon=horizon))
    assert x.shape == (20 - length - horizon + 1, length, 2)
    for i in range(len(x)):
        np.testing.assert_array_equal(x[i, :, 0], steps[i : i + length])
        np.testing.assert_array_equal(x[i, :, 1], -steps[i : i + length])
        assert y[i] == (i + length - 1 + horizon) * 10
    # consecutive windows move one step forward: the examples are in time order
    assert np.all(np.diff(x[:, 0, 0]) == 1)


def test_a_series_of_one_feature_gets_a_feature_axis():
    x, y = windows.make(np.arange(6.0), None, WindowSpec(length=2))
    assert x.shape == (4, 2, 1) and y is None


def test_windowed_csv_predicts_the_target_ahead_in_time_order(case, tmp_path):
    rows = "\n".join(f"{t},{t * 2}" for t in range(30))
    (tmp_path / "s.csv").write_text("t,value\n" + rows + "\n")
    loaded = case("source: csv:s.csv\ntarget: value\nwindow: {length: 4, horizon: 3}", "regression")
    data, info = loaded.load(), loaded.describe()
    assert data.series and data.class_names is None
    assert data.x.shape[1:] == info.shape and data.x.shape == (24, 4, 2)
    assert data.feature_names == ["t", "value"]  # a series' own past is a feature
    np.testing.assert_array_equal(data.x[5, :, 0], [5, 6, 7, 8])
    np.testing.assert_array_equal(data.y, (np.arange(24) + 6) * 2)
    assert data.y.dtype == np.float32


def test_too_short_a_series_is_an_error(case, tmp_path):
    (tmp_path / "s.csv").write_text("v\n1\n2\n3\n")
    loaded = case("source: csv:s.csv\nwindow: {length: 3}", "regression")
    [error] = loaded.errors()
    assert error.code == "DLS401" and "too few" in error.message
    assert error.span.line == loaded.line_of("window")


def test_window_on_a_source_that_is_no_series_is_an_error(case, tmp_path):
    (tmp_path / "texts.csv").write_text("text,label\nhi,a\n")
    [error] = case("source: text:texts.csv\nwindow: {length: 3}").errors()
    assert error.code == "DLS401" and "'window'" in error.message
