import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.concatenate import ConcatenateSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_bare_shorthand_and_mapping_forms():
    assert parse("concatenate") == ConcatenateSpec(kind="concatenate", axis=-1)
    assert parse({"concatenate": 1}).axis == 1
    assert parse({"concatenate": {"axis": -2}, "from": ["a", "b"]}).from_ == ["a", "b"]


@pytest.mark.parametrize("item", [{"concatenate": "last"}, {"concatenate": 2**40}])
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("axis", "shapes", "out"),
    [
        (-1, [(4,), (8,)], (12,)),
        (-1, [(5, 4), (5, 2), (None, 1)], (5, 7)),
        (-1, [(None, 4), (5, 2)], (None, 6)),  # the first input's size, as in Keras
        (1, [(5, 4), (3, 4)], (8, 4)),  # Keras counts the batch axis: 1 is the first of an example
        (-2, [(5, 4), (3, 4)], (8, 4)),
        (-1, [(4,), (None,)], (None,)),
    ],
)
def test_output_shape_by_hand(axis, shapes, out):
    assert parse({"concatenate": axis}).merged_shape(shapes) == out


@pytest.mark.parametrize(
    ("axis", "shapes", "said"),
    [
        (-1, [(4,), (2, 4)], "concatenate needs inputs of one rank, got (4,) and (2, 4)"),
        (-1, [(3, 4), (2, 4)], "concatenate joins axis -1, so the inputs must agree on the others"),
        (0, [(4,), (4,)], "concatenate cannot join axis 0 of inputs (4,) and (4,)"),
        (3, [(4, 2), (4, 2)], "concatenate cannot join axis 3"),
    ],
)
def test_shapes_that_do_not_fit_are_dls331(axis, shapes, said):
    with pytest.raises(ShapeError) as raised:
        parse({"concatenate": axis}).merged_shape(shapes)
    assert raised.value.code == "DLS331" and raised.value.message.startswith(said)
