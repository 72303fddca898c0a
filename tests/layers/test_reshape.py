import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.reshape import ReshapeSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_shorthand_and_mapping_forms():
    assert parse({"reshape": [28, 28, 1]}) == ReshapeSpec(kind="reshape", target_shape=[28, 28, 1])
    assert parse({"reshape": {"target_shape": [-1, 16]}}).target_shape == [-1, 16]


@pytest.mark.parametrize(
    "item",
    [
        "reshape",
        {"reshape": []},
        {"reshape": [0, 4]},
        {"reshape": [-2, 4]},
        {"reshape": [-1, -1]},
        {"reshape": 4},
        {"reshape": [2.5, 4]},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("target", "shape", "out"),
    [
        ([28, 28, 1], (784,), (28, 28, 1)),
        ([-1, 16], (8, 8), (4, 16)),
        ([2, -1, 3], (6, 5), (2, 5, 3)),
        ([-1], (7, 7, 64), (3136,)),
        ([-1, 2], (None, 4), (None, 2)),
        ([3, 2], (None, 4), (3, 2)),
    ],
)
def test_output_shape_by_hand(target, shape, out):
    spec = parse({"reshape": target})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params()


@pytest.mark.parametrize(
    ("target", "shape", "text"),
    [
        ([10, 10], (28, 28), "(784 values) into (10, 10) (100 values)"),
        ([5, -1], (28, 28), "784 is not a multiple of 5"),
    ],
)
def test_size_mismatch_is_dls316(target, shape, text):
    with pytest.raises(ShapeError) as info:
        parse({"reshape": target}).output_shape(shape)
    assert info.value.code == "DLS316"
    assert text in info.value.message
    assert "784" in info.value.hint


@pytest.mark.keras
@pytest.mark.parametrize(
    ("target", "shape"),
    [
        ([28, 28, 1], (784,)),
        ([-1, 16], (8, 8)),
        ([2, -1, 3], (6, 5)),
        ([-1], (7, 7, 4)),
        ([-1, 2], (None, 4)),
    ],
)
def test_matches_keras(keras_run, target, shape):
    spec = parse({"reshape": target})
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())


@pytest.mark.keras
def test_keras_rejects_what_dls316_rejects():
    import keras

    with pytest.raises(ValueError):
        parse({"reshape": [10, 10]}).build("x")(keras.Input((28, 28)))
