#!/usr/bin/env bash
# Training throughput on one accelerator, dlspec against the hand-written Keras script, on the
# JAX backend (bench/gpu.py says what and how). Where the machine has JAX but neither Keras nor
# dlspec's other dependencies, install them first (the device tool's README: wheels).
set -euo pipefail
cd "$(dirname "$0")/.."
export KERAS_BACKEND=jax PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
exec python3 bench/gpu.py "$@"
