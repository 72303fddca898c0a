import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.simple_rnn import SimpleRNNSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_shorthand_and_mapping_forms():
    spec = parse({"simple_rnn": 32})
    assert spec == SimpleRNNSpec(kind="simple_rnn", units=32)
    assert (spec.activation, spec.return_sequences, spec.dropout) == ("tanh", False, 0.0)
    full = parse({"simple_rnn": {"units": 8, "return_sequences": True, "go_backwards": True}})
    assert (full.return_sequences, full.go_backwards) == (True, True)


@pytest.mark.parametrize(
    "item",
    [
        "simple_rnn",
        {"simple_rnn": 0},
        {"simple_rnn": {"units": 8, "dropout": 1.5}},
        {"simple_rnn": {"units": 8, "recurrent_dropout": -0.1}},
        # Only the gated kinds have gates.
        {"simple_rnn": {"units": 8, "recurrent_activation": "sigmoid"}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("args", "shape", "out", "params"),
    [
        ({"units": 16}, (10, 8), (16,), 8 * 16 + 16 * 16 + 16),
        ({"units": 16, "return_sequences": True}, (10, 8), (10, 16), 400),
        ({"units": 4, "use_bias": False}, (None, 3), (4,), 12 + 16),
        ({"units": 4, "return_sequences": True}, (None, 3), (None, 4), 32),
    ],
)
def test_shape_and_params_by_hand(args, shape, out, params):
    spec = parse({"simple_rnn": args})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params(params)


@pytest.mark.parametrize("shape", [(10,), (28, 28, 1)])
def test_needs_a_sequence(shape):
    spec = parse({"simple_rnn": 4})
    for method in (spec.output_shape, spec.params):
        with pytest.raises(ShapeError) as info:
            method(shape)
        assert info.value.code == "DLS301"
        assert "rank-2 input (steps, features)" in info.value.message
        assert "add an 'embedding' or a 'reshape' before it" in info.value.hint


@pytest.mark.keras
@pytest.mark.parametrize(
    ("args", "shape"),
    [
        ({"units": 16}, (10, 8)),
        ({"units": 16, "return_sequences": True, "activation": "relu"}, (10, 8)),
        ({"units": 4, "use_bias": False, "go_backwards": True}, (None, 3)),
        ({"units": 4, "return_sequences": True, "dropout": 0.2}, (None, 3)),
        ({"units": 5, "kernel_regularizer": {"l2": 0.1}, "recurrent_dropout": 0.1}, (6, 2)),
    ],
)
def test_matches_keras(keras_run, args, shape):
    spec = parse({"simple_rnn": args})
    assert keras_run(spec, shape) == (spec.output_shape(shape), spec.params(shape))
