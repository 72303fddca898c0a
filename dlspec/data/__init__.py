"""Examples, their preprocessing, and the readers each data scheme loads with.

``dlspec.sources`` picks the reader (``load``, ``read_inputs``); ``dataset.Dataset`` holds the
examples; ``preprocessing.Preprocessor`` scales or vectorises, fitted on the training part of
each split only. In-memory readers (sklearn, synthetic, csv, npz) never import TensorFlow or
Keras, so they run on any Keras backend; images, text tables and keras: sets need Keras.

This ``__init__`` imports nothing, so a source's loader can import its reader without running
every other one.
"""
