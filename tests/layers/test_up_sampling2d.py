import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python


def test_parses_every_form():
    assert parse("up_sampling2d").size == 2
    spec = parse({"up_sampling2d": {"size": [2, 1], "interpolation": "bilinear"}})
    assert (spec.size, spec.interpolation) == ([2, 1], "bilinear")


@pytest.mark.parametrize(
    "item", [{"up_sampling2d": 0}, {"up_sampling2d": {"interpolation": "cubic"}}]
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(("size", "out"), [(2, (14, 14, 8)), ([2, 1], (14, 7, 8))])
def test_output_shape_by_hand(size, out):
    assert parse({"up_sampling2d": size}).output_shape((7, 7, 8)) == out


def test_needs_an_image():
    with pytest.raises(ShapeError, match="needs a rank-3 input"):
        parse("up_sampling2d").output_shape((7, 8))


@pytest.mark.keras
@pytest.mark.parametrize(
    ("item", "shape"),
    [
        ("up_sampling2d", (7, 7, 8)),
        ({"up_sampling2d": {"size": [3, 1], "interpolation": "bilinear"}}, (4, None, 2)),
    ],
)
def test_matches_keras(keras_run, item, shape):
    spec = parse(item)
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())
