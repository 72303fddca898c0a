"""read_inputs: predict inputs laid out like the training source give the training features."""

from __future__ import annotations

import numpy as np
import pytest

from dlspec.diagnostics import SpecError
from dlspec.sources import read_inputs

TRAIN = "a,species,b\n1.5,cat,2\n3,dog,4.25\n5,cat,6\n"


@pytest.fixture
def train(tmp_path):
    (tmp_path / "train.csv").write_text(TRAIN)


def test_reading_the_training_csv_reproduces_the_training_features(case, train, tmp_path):
    loaded = case("source: csv:train.csv\ntarget: 1\nscale: standard")
    x, y = read_inputs(loaded.spec, loaded.file, tmp_path / "train.csv")
    data = loaded.load()
    np.testing.assert_array_equal(x, data.x)
    np.testing.assert_array_equal(y, data.y)


def test_an_input_without_the_target_gives_no_targets(case, train, tmp_path):
    (tmp_path / "new.csv").write_text("b,a,extra\n4.25,3,x\n")
    loaded = case("source: csv:train.csv\ntarget: species")
    x, y = read_inputs(loaded.spec, loaded.file, tmp_path / "new.csv")
    np.testing.assert_array_equal(x, [[3, 4.25]])  # the training column order
    assert y is None


def test_input_labels_use_the_training_classes(case, train, tmp_path):
    (tmp_path / "new.csv").write_text("a,b,species\n0,0,dog\n0,0,dog\n")
    loaded = case("source: csv:train.csv\ntarget: species")
    _, y = read_inputs(loaded.spec, loaded.file, tmp_path / "new.csv")
    np.testing.assert_array_equal(y, [1, 1])  # 'dog' is class 1 in training, not 0


def test_a_missing_input_column_points_at_the_input_file(case, train, tmp_path):
    (tmp_path / "new.csv").write_text("A,b\n1,2\n")
    loaded = case("source: csv:train.csv\ntarget: species")
    with pytest.raises(SpecError) as raised:
        read_inputs(loaded.spec, loaded.file, tmp_path / "new.csv")
    [error] = raised.value.diagnostics
    assert error.code == "DLS403" and "'a'" in error.message and error.hint == "columns: A, b"
    assert (error.span.file, error.span.line) == (str(tmp_path / "new.csv"), 1)


def test_a_windowed_csv_input_gives_the_training_windows(case, tmp_path):
    (tmp_path / "s.csv").write_text("v\n" + "\n".join(str(i * i) for i in range(12)) + "\n")
    loaded = case("source: csv:s.csv\nwindow: {length: 3, horizon: 2}", "regression")
    x, y = read_inputs(loaded.spec, loaded.file, tmp_path / "s.csv")
    data = loaded.load()
    np.testing.assert_array_equal(x, data.x)
    np.testing.assert_array_equal(y, data.y)


def test_sklearn_inputs_are_a_csv_with_the_feature_names(case, tmp_path):
    loaded = case("source: sklearn:iris")
    data = loaded.load()
    header = ",".join(f'"{name}"' for name in data.feature_names) + ",target"
    rows = [
        ",".join(map(str, row.tolist())) + f",{data.class_names[label]}"
        for row, label in zip(data.x[:5], data.y[:5], strict=True)
    ]
    (tmp_path / "in.csv").write_text(header + "\n" + "\n".join(rows) + "\n")
    x, y = read_inputs(loaded.spec, loaded.file, tmp_path / "in.csv")
    np.testing.assert_array_equal(x, data.x[:5])
    np.testing.assert_array_equal(y, data.y[:5])


def test_synthetic_inputs_accept_class_ids_as_targets(case, tmp_path):
    (tmp_path / "in.csv").write_text("x1,x2,target\n0.5,-0.5,1\n0,0,0\n")
    loaded = case("source: synthetic:moons")
    x, y = read_inputs(loaded.spec, loaded.file, tmp_path / "in.csv")
    assert x.shape == (2, 2) and x.dtype == np.float32
    np.testing.assert_array_equal(y, [1, 0])


def test_npz_inputs(case, tmp_path):
    np.savez(tmp_path / "d.npz", x=np.ones((4, 2)), y=np.array([0, 1, 1, 0]))
    np.savez(tmp_path / "new.npz", x=np.zeros((2, 2)))
    loaded = case("source: npz:d.npz")
    x, y = read_inputs(loaded.spec, loaded.file, tmp_path / "new.npz")
    assert x.dtype == np.float32 and x.shape == (2, 2) and y is None


def test_text_table_inputs(case, tmp_path):
    (tmp_path / "t.csv").write_text("text,label\ngood,pos\nbad,neg\n")
    (tmp_path / "new.csv").write_text("text\nso good\n")
    loaded = case("source: text:t.csv", "binary")
    x, y = read_inputs(loaded.spec, loaded.file, tmp_path / "new.csv")
    assert list(x) == ["so good"] and y is None
    x, y = read_inputs(loaded.spec, loaded.file, tmp_path / "t.csv")
    np.testing.assert_array_equal(y, loaded.load().y)


def test_a_missing_input_file(case, tmp_path):
    loaded = case("source: sklearn:iris")
    with pytest.raises(SpecError) as raised:
        read_inputs(loaded.spec, loaded.file, tmp_path / "nope.csv")
    assert raised.value.diagnostics[0].code == "DLS401"


def test_sine_inputs_are_a_series_that_predicts_itself(case, tmp_path):
    values = np.sin(0.1 * np.arange(30))
    (tmp_path / "in.csv").write_text("sine\n" + "\n".join(map(str, values)) + "\n")
    loaded = case("source: synthetic:sine\nwindow: {length: 5, horizon: 2}", "regression")
    x, y = read_inputs(loaded.spec, loaded.file, tmp_path / "in.csv")
    assert x.shape == (24, 5, 1)
    np.testing.assert_allclose(y, values[6:30], rtol=1e-6)
