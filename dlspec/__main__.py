"""Run the dlspec command line as ``python -m dlspec``."""

from dlspec.cli import main

main()
