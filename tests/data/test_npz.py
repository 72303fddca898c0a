"""npz: sources in both layouts: x/y, and Keras's x_train/y_train/x_test/y_test."""

from __future__ import annotations

import numpy as np
import pytest


def test_x_and_y(case, tmp_path):
    np.savez(tmp_path / "d.npz", x=np.arange(12.0).reshape(6, 2), y=np.array([0, 1, 2] * 2))
    data = case("source: npz:d.npz").load()
    assert data.x.dtype == np.float32 and data.x.shape == (6, 2)
    assert data.y.dtype == np.int64 and data.class_names == ["0", "1", "2"]
    assert data.x_test is None and data.y_test is None


def test_the_keras_layout_brings_its_own_test_split(case, tmp_path):
    images = np.random.default_rng(0).integers(0, 255, (10, 4, 4, 1)).astype(np.uint8)
    labels = np.arange(10).reshape(10, 1) % 3  # (n, 1) labels, as cifar10 stores them
    np.savez(
        tmp_path / "d.npz", x_train=images[:7], y_train=labels[:7], x_test=images[7:],
        y_test=labels[7:],
    )  # fmt: skip
    data = case("source: npz:d.npz").load()
    assert data.x.shape == (7, 4, 4, 1) and data.x_test.shape == (3, 4, 4, 1)
    assert data.y.shape == (7,) and data.y_test.shape == (3,)
    np.testing.assert_array_equal(data.y_test, [1, 2, 0])
    assert data.x_test.dtype == np.float32


def test_text_labels_are_encoded_over_the_training_names(case, tmp_path):
    np.savez(
        tmp_path / "d.npz", x_train=np.zeros((3, 2)), y_train=np.array(["dog", "cat", "dog"]),
        x_test=np.zeros((1, 2)), y_test=np.array(["dog"]),
    )  # fmt: skip
    data = case("source: npz:d.npz").load()
    assert data.class_names == ["cat", "dog"]
    np.testing.assert_array_equal(data.y, [1, 0, 1])
    np.testing.assert_array_equal(data.y_test, [1])


def test_regression_targets_keep_their_shape(case, tmp_path):
    np.savez(tmp_path / "d.npz", x=np.zeros((4, 3)), y=np.ones((4, 2)))
    data = case("source: npz:d.npz", "regression").load()
    assert data.y.shape == (4, 2) and data.y.dtype == np.float32


def test_int32_model_input_keeps_token_ids(case, tmp_path):
    np.savez(tmp_path / "d.npz", x=np.array([[1, 5, 9], [2, 0, 0]]), y=np.array([0, 1]))
    model = "{input: {shape: [3], dtype: int32}}"
    data = case("source: npz:d.npz", "binary", model=model).load()
    assert data.x.dtype == np.int32 and data.vocabulary == 10


def test_missing_arrays_are_named(case, tmp_path):
    np.savez(tmp_path / "d.npz", features=np.zeros((2, 2)))
    [error] = case("source: npz:d.npz").errors()
    assert error.code == "DLS401" and "features" in error.message and "'x_train'" in error.message


def test_nans_are_counted_per_example(case, tmp_path):
    x = np.zeros((5, 2))
    x[1, 0] = x[1, 1] = x[3, 0] = np.nan
    np.savez(tmp_path / "d.npz", x=x, y=np.zeros(5, int))
    [error] = case("source: npz:d.npz").errors()
    assert error.code == "DLS405" and "'x'" in error.message and "2 examples" in error.message


def test_a_file_that_is_not_npz_is_unreadable(case, tmp_path):
    (tmp_path / "d.npz").write_text("not a zip")
    [error] = case("source: npz:d.npz").errors()
    assert error.code == "DLS401"


def test_single_values_are_not_arrays_of_examples(case, tmp_path):
    np.savez(tmp_path / "d.npz", x=np.array(3.0), y=np.array(1))
    errors = case("source: npz:d.npz").errors()
    assert [(e.code, e.message) for e in errors] == [
        ("DLS401", f"array '{name}' of 'd.npz' is a single value, not one entry per example")
        for name in ("x", "y")
    ]


@pytest.mark.parametrize(
    ("x", "said"),
    [
        (np.array([["a", "b"], ["c", "d"]]), "array 'x' of 'd.npz' holds text, not numbers"),
        (np.array([[1.0], [np.inf]]), "array 'x' of 'd.npz' has infinite or too large values in 1"),
        (np.array([[1e39], [-1e39]]), "too large values in 2 examples"),
    ],
    ids=["text", "inf", "past float32"],
)
def test_features_that_are_not_finite_numbers_are_named(case, tmp_path, x, said):
    np.savez(tmp_path / "d.npz", x=x, y=np.array([0, 1]))
    [error] = case("source: npz:d.npz", "binary").errors()
    assert error.code == "DLS404" and said in error.message


def test_text_labels_are_still_labels(case, tmp_path):
    np.savez(tmp_path / "d.npz", x=np.zeros((2, 1)), y=np.array(["cat", "dog"]))
    assert case("source: npz:d.npz", "binary").load().class_names == ["cat", "dog"]


NAMED = (
    "{inputs: {words: {shape: [3], dtype: int32}, meta: [2]}, "
    "layers: [{concatenate: {from: [words, meta]}}]}"
)


def named(tmp_path, **arrays) -> None:
    np.savez(tmp_path / "d.npz", **arrays)


def test_named_inputs_read_an_array_each_with_its_dtype(case, tmp_path):
    rng = np.random.default_rng(0)
    named(
        tmp_path, words=rng.integers(0, 9, (6, 3)), meta=rng.normal(size=(6, 2)),
        y=np.arange(6) % 2, words_test=np.ones((2, 3)), meta_test=np.ones((2, 2)),
        y_test=np.array([0, 1]),
    )  # fmt: skip
    data = case("source: npz:d.npz", model=NAMED).load()
    assert sorted(data.x) == ["meta", "words"]
    assert data.x["words"].dtype == np.int32 and data.x["meta"].dtype == np.float32
    assert data.x["meta"].shape == (6, 2) and sorted(data.x_test) == ["meta", "words"]
    np.testing.assert_array_equal(data.y_test, [0, 1])


def test_named_inputs_count_in_the_fingerprint_by_name(case, tmp_path):
    meta, other = np.zeros((4, 2)), np.ones((4, 2))
    named(tmp_path, words=np.zeros((4, 3)), meta=meta, y=np.arange(4) % 2)
    first = case("source: npz:d.npz", model=NAMED).load().fingerprint
    named(tmp_path, words=np.zeros((4, 3)), meta=other, y=np.arange(4) % 2)
    assert case("source: npz:d.npz", model=NAMED).load().fingerprint != first


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"words": (4, 3), "y": (4,)},
         "model.inputs needs words, meta, y (one array per input, and y): 'meta' is missing"),
        ({"words": (4, 3), "meta": (5, 2), "y": (4,)},
         "arrays of one split hold different numbers of examples: 'words' 4, 'meta' 5, 'y' 4"),
        ({"words": (4, 3), "meta": (4, 2), "y": (4,), "words_test": (1, 3), "y_test": (1,)},
         "a test split for some arrays only: meta_test is not there"),
    ],
    ids=["missing", "counts", "half a test split"],
)  # fmt: skip
def test_named_arrays_that_do_not_fit_are_dls401(case, tmp_path, arrays, message):
    labels = {"y", "y_test"}
    named(
        tmp_path,
        **{n: np.arange(s[0]) % 2 if n in labels else np.zeros(s) for n, s in arrays.items()},
    )
    (error,) = case("source: npz:d.npz", model=NAMED).errors()
    assert error.code == "DLS401" and message in error.message


def test_per_step_labels_are_one_per_position_and_text_labels_are_encoded(case, tmp_path):
    labels = np.array([["walk", "run", "run"], ["rest", "walk", "rest"]])
    np.savez(tmp_path / "d.npz", x=np.zeros((2, 3, 4)), y=labels)
    data = case("source: npz:d.npz", task="{type: multiclass, per_step: true}").load()
    assert data.class_names == ["rest", "run", "walk"]
    np.testing.assert_array_equal(data.y, [[2, 1, 1], [0, 2, 0]])


def test_per_step_labels_of_one_per_example_are_dls401(case, tmp_path):
    np.savez(tmp_path / "d.npz", x=np.zeros((4, 3, 2)), y=np.arange(4) % 2)
    (error,) = case("source: npz:d.npz", task="{type: binary, per_step: true}").errors()
    assert error.code == "DLS401"
    assert "must be one per position, (examples, steps), got (4,)" in error.message
