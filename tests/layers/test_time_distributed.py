import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.dense import DenseSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_the_shorthand_and_the_mapping_form():
    short = parse({"time_distributed": {"dense": 8}})
    assert isinstance(short.layer, DenseSpec) and short.layer.units == 8
    assert parse({"time_distributed": {"layer": {"dense": 8}}}) == short


@pytest.mark.parametrize("item", ["time_distributed", {"time_distributed": {"dens": 8}}])
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("item", "shape", "out", "params"),
    [
        ({"dense": 8}, (5, 3), (5, 8), 3 * 8 + 8),  # a label per step: one dense for all steps
        ({"conv2d": {"filters": 4, "kernel_size": 3}}, (6, 8, 8, 1), (6, 6, 6, 4), 9 * 4 + 4),
        ({"flatten": None}, (None, 2, 3), (None, 6), 0),
    ],
)
def test_shape_and_params_by_hand(item, shape, out, params):
    spec = parse({"time_distributed": item})
    assert spec.output_shape(shape) == out and spec.params(shape) == Params(params)


def test_errors_name_the_sequence_or_the_wrapped_layer():
    with pytest.raises(ShapeError, match=r"needs a sequence \(steps, \.\.\.\), got \(4,\)"):
        parse({"time_distributed": {"dense": 8}}).output_shape((4,))
    with pytest.raises(ShapeError) as raised:
        parse({"time_distributed": {"conv2d": {"filters": 2, "kernel_size": 3}}}).output_shape(
            (5, 4)
        )
    assert raised.value.at == ("layer",) and "rank-3" in raised.value.message
    with pytest.raises(ShapeError) as merged:
        parse({"time_distributed": "add"}).output_shape((5, 4))
    assert merged.value.code == "DLS331"


@pytest.mark.keras
@pytest.mark.parametrize(
    ("item", "shape"),
    [({"dense": 8}, (5, 3)), ({"conv2d": {"filters": 4, "kernel_size": 3}}, (6, 8, 8, 1)),
     ({"dense": {"units": 2, "activation": "softmax"}}, (None, 4))],
)  # fmt: skip
def test_matches_keras(keras_run, item, shape):
    spec = parse({"time_distributed": item})
    assert keras_run(spec, shape) == (spec.output_shape(shape), spec.params(shape))
