import pytest
from pydantic import TypeAdapter

from dlspec.base import ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.multiply import MultiplySpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_bare_and_mapping_forms():
    assert parse("multiply") == MultiplySpec(kind="multiply")
    assert parse({"multiply": None, "name": "gate", "from": ["a", "b"]}).name == "gate"


@pytest.mark.parametrize(
    ("shapes", "out"),
    [([(4,), (4,)], (4,)), ([(2, 3), (1, 3)], (2, 3)), ([(5,), (None,)], (None,))],
)
def test_output_shape_by_hand(shapes, out):
    assert parse("multiply").merged_shape(shapes) == out


def test_shapes_that_differ_are_dls331():
    with pytest.raises(ShapeError) as raised:
        parse("multiply").merged_shape([(2, 3), (3, 3)])
    assert raised.value.code == "DLS331"
