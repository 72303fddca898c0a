"""What the global pooling kinds share through dlspec/layers/global_pooling.py, for every kind.

``global_{max,average}_pooling{1,2}d`` all extend GlobalPoolingSpec: the same ``keepdims``
argument, shapes and rank errors. What each kind computes (maxima or means) is tested in its
own test_<kind>.py.
"""

import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.global_average_pooling1d import GlobalAveragePooling1DSpec
from dlspec.layers.global_average_pooling2d import GlobalAveragePooling2DSpec
from dlspec.layers.global_max_pooling1d import GlobalMaxPooling1DSpec
from dlspec.layers.global_max_pooling2d import GlobalMaxPooling2DSpec

parse = TypeAdapter(LayerItem).validate_python

GLOBAL_1D = ["global_max_pooling1d", "global_average_pooling1d"]
GLOBAL_2D = ["global_max_pooling2d", "global_average_pooling2d"]
GLOBAL = GLOBAL_1D + GLOBAL_2D


def each(kinds, cases):
    """``(kind, *case)`` for every kind and every case, as ``parametrize`` rows."""
    return [(kind, *case) for kind in kinds for case in cases]


@pytest.mark.parametrize(
    ("kind", "cls"),
    [
        ("global_max_pooling1d", GlobalMaxPooling1DSpec),
        ("global_average_pooling1d", GlobalAveragePooling1DSpec),
        ("global_max_pooling2d", GlobalMaxPooling2DSpec),
        ("global_average_pooling2d", GlobalAveragePooling2DSpec),
    ],
)
def test_parses_bare_and_mapping_forms(kind, cls):
    assert parse(kind) == cls(kind=kind)
    assert parse({kind: {"keepdims": True}}).keepdims is True


@pytest.mark.parametrize("kind", GLOBAL)
@pytest.mark.parametrize("value", [True, {"keepdims": "maybe"}, {"axis": 1}])
def test_rejects_bad_values(kind, value):
    with pytest.raises(ValidationError):
        parse({kind: value})


SHAPES_1D = [
    (False, (10, 32), (32,)),
    (True, (10, 32), (1, 32)),
    (False, (None, 8), (8,)),
    (True, (None, 8), (1, 8)),
]
SHAPES_2D = [
    (False, (7, 7, 64), (64,)),
    (True, (7, 7, 64), (1, 1, 64)),
    (False, (None, None, 3), (3,)),
    (True, (None, 5, 3), (1, 1, 3)),
]


@pytest.mark.parametrize(
    ("kind", "keepdims", "shape", "out"), each(GLOBAL_1D, SHAPES_1D) + each(GLOBAL_2D, SHAPES_2D)
)
def test_output_shape_by_hand(kind, keepdims, shape, out):
    spec = parse({kind: {"keepdims": keepdims}})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params()


@pytest.mark.parametrize(
    ("kind", "shape", "needs"),
    each(
        GLOBAL_1D,
        [((32,), "rank-2 input (steps, channels)"), ((7, 7, 64), "rank-2 input (steps, channels)")],
    )
    + each(
        GLOBAL_2D,
        [
            ((64,), "rank-3 input (height, width, channels)"),
            ((10, 32), "rank-3 input (height, width, channels)"),
        ],
    ),
)
def test_wrong_rank_is_dls301(kind, shape, needs):
    with pytest.raises(ShapeError) as info:
        parse(kind).output_shape(shape)
    assert info.value.code == "DLS301"
    assert needs in info.value.message


@pytest.mark.keras
@pytest.mark.parametrize(
    ("kind", "keepdims", "shape"),
    each(GLOBAL_1D, [(keepdims, shape) for keepdims, shape, _ in SHAPES_1D])
    + each(GLOBAL_2D, [(keepdims, shape) for keepdims, shape, _ in SHAPES_2D]),
)
def test_matches_keras(keras_run, kind, keepdims, shape):
    spec = parse({kind: {"keepdims": keepdims}})
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())
