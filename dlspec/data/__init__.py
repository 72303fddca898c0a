"""Examples and their preprocessing, and the readers each source scheme loads with.

``dlspec.sources`` picks the reader (``load``, ``read_inputs``); ``Dataset`` holds the examples;
``Preprocessor`` scales or vectorises, fitted on the training part of each split only. In-memory
readers (sklearn, synthetic, csv, npz) never import TensorFlow or Keras, so they run on any
Keras backend; images, text tables and keras: sets need Keras.
"""

from __future__ import annotations

from dlspec.data.dataset import Dataset, fingerprint
from dlspec.data.preprocessing import Preprocessor

__all__ = ["Dataset", "Preprocessor", "fingerprint"]
