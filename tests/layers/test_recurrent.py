"""What the recurrent kinds share through dlspec/layers/recurrent.py, tested once for every kind.

``simple_rnn``, ``gru`` and ``lstm`` extend RecurrentSpec: the same arguments, output shapes,
rank errors and Keras arguments. Each kind's parameter formula is tested in its own
test_<kind>.py.
"""

import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.gru import GRUSpec
from dlspec.layers.lstm import LSTMSpec
from dlspec.layers.simple_rnn import SimpleRNNSpec

parse = TypeAdapter(LayerItem).validate_python

RECURRENT = ["simple_rnn", "gru", "lstm"]
# The kinds with gates, and so a recurrent_activation (both define it the same way).
GATED = ["gru", "lstm"]


@pytest.mark.parametrize(
    ("kind", "cls"), [("simple_rnn", SimpleRNNSpec), ("gru", GRUSpec), ("lstm", LSTMSpec)]
)
def test_parses_shorthand_and_mapping_forms(kind, cls):
    spec = parse({kind: 32})
    assert spec == cls(kind=kind, units=32)
    assert (spec.activation, spec.return_sequences, spec.dropout) == ("tanh", False, 0.0)
    args = {"units": 8, "return_sequences": True, "recurrent_dropout": 0.1, "go_backwards": True}
    full = parse({kind: args})
    assert (full.return_sequences, full.recurrent_dropout, full.go_backwards) == (True, 0.1, True)


@pytest.mark.parametrize("kind", GATED)
def test_gates_default_to_sigmoid(kind):
    assert parse({kind: 32}).recurrent_activation == "sigmoid"


@pytest.mark.parametrize("kind", RECURRENT)
def test_units_are_required(kind):
    with pytest.raises(ValidationError):
        parse(kind)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (kind, value)
        for kind in RECURRENT
        for value in [
            0,
            -3,
            {"units": 8, "dropout": 1.5},
            {"units": 8, "recurrent_dropout": -0.1},
            {"units": 8, "return_state": True},
        ]
    ]
    + [(kind, {"units": 8, "recurrent_activation": "sigmoidal"}) for kind in GATED],
)
def test_rejects_bad_values(kind, value):
    with pytest.raises(ValidationError):
        parse({kind: value})


@pytest.mark.parametrize("kind", RECURRENT)
@pytest.mark.parametrize(
    ("args", "shape", "out"),
    [
        ({"units": 16}, (10, 8), (16,)),
        ({"units": 16, "return_sequences": True}, (10, 8), (10, 16)),
        ({"units": 4, "use_bias": False}, (None, 3), (4,)),
        ({"units": 4, "return_sequences": True}, (None, 3), (None, 4)),
    ],
)
def test_output_shape_by_hand(kind, args, shape, out):
    assert parse({kind: args}).output_shape(shape) == out


@pytest.mark.parametrize("kind", RECURRENT)
@pytest.mark.parametrize("shape", [(10,), (28, 28, 1)])
def test_needs_a_sequence(kind, shape):
    spec = parse({kind: 4})
    for method in (spec.output_shape, spec.params):
        with pytest.raises(ShapeError) as info:
            method(shape)
        assert info.value.code == "DLS301"
        assert "rank-2 input (steps, features)" in info.value.message
        assert "add an 'embedding' or a 'reshape' before it" in info.value.hint


@pytest.mark.parametrize("kind", RECURRENT)
def test_needs_known_features(kind):
    with pytest.raises(ShapeError):
        parse({kind: 4}).params((10, None))


@pytest.mark.keras
@pytest.mark.parametrize(
    ("kind", "args", "shape"),
    [
        (kind, args, shape)
        for kind in RECURRENT
        for args, shape in [
            ({"units": 16}, (10, 8)),
            ({"units": 16, "return_sequences": True}, (10, 8)),
            ({"units": 16, "return_sequences": True, "activation": "relu"}, (10, 8)),
            ({"units": 4, "use_bias": False, "go_backwards": True}, (None, 3)),
            ({"units": 4, "return_sequences": True, "dropout": 0.2}, (None, 3)),
            ({"units": 5, "kernel_regularizer": {"l2": 0.1}, "recurrent_dropout": 0.1}, (6, 2)),
            ({"units": 3, "kernel_regularizer": {"l2": 0.1}, "recurrent_dropout": 0.1}, (4, 7)),
        ]
    ]
    + [
        (kind, {"units": 5, "activation": "relu", "recurrent_activation": "hard_sigmoid"}, (6, 2))
        for kind in GATED
    ],
)
def test_matches_keras(keras_run, kind, args, shape):
    spec = parse({kind: args})
    assert keras_run(spec, shape) == (spec.output_shape(shape), spec.params(shape))
