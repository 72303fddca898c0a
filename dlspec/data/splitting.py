"""The test split: the examples held out first and scored once, at the end of a run.

It depends on the count of examples, the validation scheme, the seed and (for stratified
splits) the classes alone, so a loader can tell which examples a run will test on before the
run splits them (the vocabulary of text pairs comes from the others) and ``dlspec evaluate``
finds the same ones again.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from sklearn.model_selection import train_test_split

if TYPE_CHECKING:
    from dlspec.spec.sections import HoldoutSpec, KFoldSpec, TimeSeriesSpec


def test_split(
    scheme: HoldoutSpec | KFoldSpec | TimeSeriesSpec,
    count: int,
    *,
    seed: int,
    ordered: bool,
    classes: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The indexes of the examples that train and validate (the rest), and of the test ones.

    Args:
        scheme: The spec's validation section (its ``test_size`` and ``shuffle``).
        count: How many examples there are.
        seed: The spec's seed.
        ordered: The examples are in time order: the test rows are the last ones.
        classes: Class labels to stratify on, or None.

    Raises:
        ValueError: scikit-learn's, for too few examples to split.
    """
    every = np.arange(count)
    if ordered:
        tested = math.ceil(count * scheme.test_size)
        return every[: count - tested], every[count - tested :]
    rest, test = train_test_split(
        every,
        test_size=scheme.test_size,
        shuffle=scheme.shuffle,
        stratify=classes,
        random_state=seed if scheme.shuffle else None,
    )
    return rest, test
