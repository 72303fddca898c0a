import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.add import AddSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_bare_and_mapping_forms_with_from():
    assert parse("add") == AddSpec(kind="add")
    assert parse({"add": None, "from": ["a", "b"]}).from_ == ["a", "b"]
    assert parse({"add": {"from": "a"}}).from_ == ["a"]  # one name is a list of one


@pytest.mark.parametrize(
    "item",
    [{"add": 2}, {"add": None, "from": []}, {"add": None, "from": ["1a"]}, {"add": {"x": 1}}],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("shapes", "out"),
    [
        ([(4,), (4,)], (4,)),
        ([(4,), (1,)], (4,)),  # a size of 1 stretches, as in Keras
        ([(3, 4), (4,)], (3, 4)),  # shapes align at their last axes
        ([(None, 4), (5, 4), (5, 4)], (None, 4)),
    ],
)
def test_output_shape_by_hand(shapes, out):
    assert parse("add").merged_shape(shapes) == out
    assert parse("add").params(shapes[0]) == Params()


def test_shapes_that_differ_are_dls331():
    with pytest.raises(ShapeError) as raised:
        parse("add").merged_shape([(8,), (4,)])
    assert raised.value.code == "DLS331"
    assert (
        raised.value.message
        == "add needs inputs of one shape (or sizes of 1 that stretch), got (8,) and (4,)"
    )


def test_one_input_is_dls331():
    with pytest.raises(ShapeError) as raised:
        parse("add").output_shape((4,))
    assert raised.value.code == "DLS331" and "two or more inputs" in raised.value.message
