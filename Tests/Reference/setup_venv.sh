#!/usr/bin/env bash
# Creates the venv the reference scripts run in (TensorFlow as the oracle; hubctl never needs it).
#   venv:            ${HUBCTL_VENV:-$HOME/.cache/hubctl-dev/venv}
#   tensorflow-hub:  0.15.0, --no-deps, in ${HUBCTL_HUB015:-<venv>/../hub015} (hub_compat.py imports it from there)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${HUBCTL_VENV:-$HOME/.cache/hubctl-dev/venv}"
hub015="${HUBCTL_HUB015:-$(dirname "$venv")/hub015}"
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --upgrade pip >/dev/null
"$venv/bin/pip" install -r "$here/requirements.txt"
if [ ! -f "$hub015/tensorflow_hub/__init__.py" ]; then
  "$venv/bin/pip" install --no-deps --target "$hub015" tensorflow-hub==0.15.0
fi
HUBCTL_HUB015="$hub015" TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" -c "
import sys; sys.path.insert(0, '$here')
from hub_compat import load_tensorflow_hub
hub = load_tensorflow_hub()
assert hasattr(hub, 'create_module_spec'), 'tensorflow-hub without the TF1 exporter'
print('venv ready:', sys.prefix, 'tensorflow_hub', hub.__version__)"
