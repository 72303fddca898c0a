"""dlspec: deep-learning experiments as YAML specs, checked statically and compiled to Keras 3."""

__version__ = "0.1.0"
