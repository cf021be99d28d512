#!/usr/bin/env bash
# Builds the full-size AmoebaNet-A (N=18, F=448, 331x331, 1001 classes) classification module with calibrated
# random weights, packs it, and records TF's outputs on the committed reference images.  Not committed: ~1.9 GB.
# Takes ~11 min alone (40 min on a busy 2-core machine) and ~5 GB RAM.  Output folder: ${HUBCTL_FULL_DIR:-$HOME/.cache/hubctl-dev/full}.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${HUBCTL_VENV:-$HOME/.cache/hubctl-dev/venv}"
out="${HUBCTL_FULL_DIR:-$HOME/.cache/hubctl-dev/full}"
mkdir -p "$out/reference"
cp "$here/../Fixtures/reference/images_331.npy" "$out/reference/images_331.npy"
nice -n 10 "$venv/bin/python" "$here/make_module.py" --cells 18 --filters 448 --image-size 331 --classes 1001 \
  --kind classification --out "$out" --work-dir "$out/work" --reference-dir "$out/reference"
sha256sum "$out/amoebanet_a_n18_f448_classification.tar.gz" | tee "$out/amoebanet_a_n18_f448_classification.tar.gz.sha256"
