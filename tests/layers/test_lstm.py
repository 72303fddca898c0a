import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.lstm import LSTMSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_shorthand_and_mapping_forms():
    spec = parse({"lstm": 32})
    assert spec == LSTMSpec(kind="lstm", units=32)
    assert (spec.activation, spec.recurrent_activation) == ("tanh", "sigmoid")
    full = parse({"lstm": {"units": 8, "return_sequences": True, "recurrent_dropout": 0.1}})
    assert (full.return_sequences, full.recurrent_dropout) == (True, 0.1)


@pytest.mark.parametrize(
    "item",
    [
        "lstm",
        {"lstm": 0},
        {"lstm": -3},
        {"lstm": {"units": 8, "dropout": 1.5}},
        {"lstm": {"units": 8, "recurrent_activation": "sigmoidal"}},
        {"lstm": {"units": 8, "return_state": True}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("args", "shape", "out", "params"),
    [
        ({"units": 16}, (10, 8), (16,), 4 * (8 * 16 + 16 * 16 + 16)),
        ({"units": 16, "return_sequences": True}, (10, 8), (10, 16), 1600),
        ({"units": 4, "use_bias": False}, (None, 3), (4,), 4 * (3 * 4 + 4 * 4)),
        ({"units": 4, "return_sequences": True}, (None, 3), (None, 4), 4 * (3 * 4 + 4 * 4 + 4)),
    ],
)
def test_shape_and_params_by_hand(args, shape, out, params):
    spec = parse({"lstm": args})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params(params)


@pytest.mark.parametrize("shape", [(10,), (28, 28, 1)])
def test_needs_a_sequence(shape):
    spec = parse({"lstm": 4})
    for method in (spec.output_shape, spec.params):
        with pytest.raises(ShapeError) as info:
            method(shape)
        assert info.value.code == "DLS301"
        assert "add an 'embedding' or a 'reshape' before it" in info.value.hint


def test_needs_known_features():
    with pytest.raises(ShapeError):
        parse({"lstm": 4}).params((10, None))


@pytest.mark.keras
@pytest.mark.parametrize(
    ("args", "shape"),
    [
        ({"units": 16}, (10, 8)),
        ({"units": 16, "return_sequences": True}, (10, 8)),
        ({"units": 4, "use_bias": False, "go_backwards": True}, (None, 3)),
        ({"units": 4, "return_sequences": True, "dropout": 0.2}, (None, 3)),
        ({"units": 5, "activation": "relu", "recurrent_activation": "hard_sigmoid"}, (6, 2)),
        ({"units": 3, "kernel_regularizer": {"l2": 0.1}, "recurrent_dropout": 0.1}, (4, 7)),
    ],
)
def test_matches_keras(keras_run, args, shape):
    spec = parse({"lstm": args})
    assert keras_run(spec, shape) == (spec.output_shape(shape), spec.params(shape))
