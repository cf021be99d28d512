#!/usr/bin/env bash
# Regenerates the committed small fixtures with TensorFlow: the N=6/F=16 classification and feature-vector
# modules with TF's outputs (Tests/Fixtures/modules, Tests/Fixtures/reference) and the lossless PNG copies of
# the reference images (Tests/Fixtures/reference-png). The demo module, labels and full-size module have their
# own scripts (README.md beside this file). Archives are byte-reproducible with the same TensorFlow version.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
py="${HUBCTL_VENV:-$HOME/.cache/hubctl-dev/venv}/bin/python"
cd "$root"
for kind in classification feature_vector; do
  "$py" Tests/Reference/make_module.py --cells 6 --filters 16 --image-size 331 --classes 1001 \
    --kind "$kind" --out Tests/Fixtures/modules --reference-dir Tests/Fixtures/reference
done
"$py" Tests/HubKitTests/make_png_inputs.py
git status --short Tests/Fixtures
