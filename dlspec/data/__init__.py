"""Data sources and preprocessing: a spec's ``data`` section to numpy arrays.

``load`` reads any source into a Dataset; ``Preprocessor`` scales or vectorises, fitted on the
training part of each split only; ``read_inputs`` reads a ``predict`` input laid out like the
training source. In-memory sources (sklearn, synthetic, csv, npz) never import TensorFlow or
Keras, so they run on any Keras backend; images, text tables and keras: sets need Keras.
"""

from __future__ import annotations

from dlspec.data.dataset import Dataset, fingerprint
from dlspec.data.inputs import read_inputs
from dlspec.data.preprocessing import Preprocessor
from dlspec.data.sources import load

__all__ = ["Dataset", "Preprocessor", "fingerprint", "load", "read_inputs"]
