"""Imports tensorflow-hub 0.15.0 (the last release with the TF1 Hub exporter) under TF 2.21.

tensorflow-hub 0.15 is installed with `pip install --no-deps --target DIR` (see setup_venv.sh), outside the venv's
site-packages.  Its `__init__.py` imports `tensorflow_hub.estimator`, which needs `tf.compat.v1.estimator`, gone
since TF 2.16.  We execute the package's own `__init__.py` with those estimator imports made optional, so nothing of
TF-Hub is copied or committed; the installed files stay untouched.
"""
import importlib.util
import os
import re
import sys

# Default: `hub015` beside the venv (setup_venv.sh puts it there), e.g. ~/.cache/hubctl-dev/{venv,hub015}.
HUB015_DIR = os.environ.get("HUBCTL_HUB015", os.path.join(os.path.dirname(sys.prefix), "hub015"))


def load_tensorflow_hub():
    """Returns the `tensorflow_hub` 0.15 package, importing it on first use."""
    if "tensorflow_hub" in sys.modules:
        return sys.modules["tensorflow_hub"]
    package_dir = os.path.join(HUB015_DIR, "tensorflow_hub")
    init_path = os.path.join(package_dir, "__init__.py")
    if not os.path.isfile(init_path):
        raise ImportError(f"tensorflow-hub 0.15.0 not found at {package_dir}; run Tests/Reference/setup_venv.sh")
    if HUB015_DIR not in sys.path:
        sys.path.insert(0, HUB015_DIR)
    with open(init_path, encoding="utf-8") as f:
        source = f.read()
    # `from tensorflow_hub.estimator import X` -> try/except ImportError: X = None
    pattern = re.compile(r"^from tensorflow_hub\.estimator import (\w+)\s*$", re.M)
    source = pattern.sub(
        lambda m: f"try:\n  from tensorflow_hub.estimator import {m.group(1)}\nexcept ImportError:\n  {m.group(1)} = None",
        source)
    spec = importlib.util.spec_from_file_location(
        "tensorflow_hub", init_path, submodule_search_locations=[package_dir])
    module = importlib.util.module_from_spec(spec)
    sys.modules["tensorflow_hub"] = module
    try:
        exec(compile(source, init_path, "exec"), module.__dict__)
    except BaseException:
        del sys.modules["tensorflow_hub"]
        raise
    return module
