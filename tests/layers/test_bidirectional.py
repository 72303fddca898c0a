import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.bidirectional import BidirectionalSpec
from dlspec.layers.gru import GRUSpec
from dlspec.layers.lstm import LSTMSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_the_mapping_form():
    spec = parse({"bidirectional": {"layer": {"lstm": 64}}})
    assert isinstance(spec, BidirectionalSpec)
    assert spec.layer == LSTMSpec(kind="lstm", units=64)
    assert spec.merge_mode == "concat"
    assert spec.sublayers() == [spec.layer]
    full = parse(
        {
            "bidirectional": {
                "layer": {"gru": {"units": 8, "return_sequences": True}},
                "merge_mode": "sum",
            }
        }
    )
    assert isinstance(full.layer, GRUSpec)
    assert (full.layer.return_sequences, full.merge_mode) == (True, "sum")


@pytest.mark.parametrize(
    "item",
    [
        "bidirectional",
        {"bidirectional": "lstm"},  # the wrapped lstm needs units
        {"bidirectional": {"layer": {"dense": 8}}},
        {"bidirectional": {"layer": {"lstm": 0}}},
        {"bidirectional": {"layer": {"lstm": 8}, "merge_mode": None}},
        {"bidirectional": {"layer": {"lstm": 8}, "merge_mode": "max"}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("args", "shape", "out", "params"),
    [
        ({"layer": {"lstm": 16}}, (10, 8), (32,), 2 * 4 * (8 * 16 + 16 * 16 + 16)),
        ({"layer": {"lstm": 16}, "merge_mode": "sum"}, (10, 8), (16,), 3200),
        (
            {"layer": {"gru": {"units": 4, "return_sequences": True}}},
            (None, 3),
            (None, 8),
            2 * (3 * (3 * 4 + 4 * 4) + 6 * 4),
        ),
        ({"layer": {"simple_rnn": 4}, "merge_mode": "ave"}, (5, 2), (4,), 2 * (8 + 16 + 4)),
    ],
)
def test_shape_and_params_by_hand(args, shape, out, params):
    spec = parse({"bidirectional": args})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params(params)


def test_errors_of_the_wrapped_layer_point_at_it():
    spec = parse({"bidirectional": {"layer": {"lstm": 8}}})
    for method in (spec.output_shape, spec.params):
        with pytest.raises(ShapeError) as info:
            method((10,))
        assert info.value.at == ("layer",)
        assert "lstm needs a rank-2 input" in info.value.message


def test_wrapped_layer_cannot_go_backwards():
    spec = parse({"bidirectional": {"layer": {"gru": {"units": 3, "go_backwards": True}}}})
    for method in (spec.output_shape, spec.params):
        with pytest.raises(ShapeError) as info:
            method((10, 8))
        assert info.value.at == ("layer",)
        assert "cannot set go_backwards" in info.value.message


@pytest.mark.keras
def test_keras_rejects_a_wrapped_layer_that_goes_backwards():
    spec = parse({"bidirectional": {"layer": {"gru": {"units": 3, "go_backwards": True}}}})
    with pytest.raises(ValueError, match="go_backwards"):
        spec.build("x")


@pytest.mark.keras
@pytest.mark.parametrize(
    "args",
    [
        {"layer": {"lstm": 16}},
        {"layer": {"lstm": {"units": 4, "return_sequences": True}}, "merge_mode": "sum"},
        {"layer": {"gru": {"units": 4, "return_sequences": True}}},
        {"layer": {"gru": 3}, "merge_mode": "mul"},
        {"layer": {"simple_rnn": 4}, "merge_mode": "ave"},
        {"layer": {"simple_rnn": 4, "name": "inner"}},
    ],
)
@pytest.mark.parametrize("shape", [(10, 8), (None, 3)])
def test_matches_keras(keras_run, args, shape):
    spec = parse({"bidirectional": args})
    assert keras_run(spec, shape) == (spec.output_shape(shape), spec.params(shape))
