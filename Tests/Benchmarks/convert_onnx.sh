#!/usr/bin/env bash
# Converts an unpacked TF1 Hub module (saved_model.pb + variables/, meta graph with no tags, signature
# "default": images [batch,331,331,3] float32 in [0,1] -> default [batch,1001] logits) to ONNX for the
# ONNX Runtime peer of the benchmark (peer_onnxruntime.py).
#
#   bash Tests/Benchmarks/convert_onnx.sh MODULE_DIR OUT.onnx
#
# Writes OUT.onnx (the graph, batch dimension dynamic and named "batch") and OUT.onnx.data (every weight as ONNX
# external data, in one file: the full N=18/F=448 module's 1.87 GB of weights would bring a self-contained model
# to protobuf's 2 GB limit), OUT.onnx.log (the converter's log) and OUT.onnx.source (which module it came from).
# Does nothing when OUT.onnx and OUT.onnx.data exist and came from a module with the same saved_model.pb and
# variables.index.
#
# tf2onnx 1.17 (opset 17) does the conversion; convert_onnx.py runs it in two processes (TensorFlow freezes the
# module, then tf2onnx converts with the weights read from disk on demand) so that the full-size module converts
# in about 6.5 GB of memory where tf2onnx's own command line needs over 14 GB. Scratch space (about the size of
# the weights) is a temporary folder beside OUT.onnx.
#
# Environment: HUBCTL_ONNX_VENV (default $HOME/.cache/hubctl-dev/venv-onnx; created, or brought to
# requirements-onnx.txt when the copy it keeps differs), PYTHON (interpreter that creates the venv; python3.11
# if present).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -ne 2 ]; then echo "usage: $0 MODULE_DIR OUT.onnx" >&2; exit 2; fi
module="$(cd "$1" && pwd)"
out="$2"
venv="${HUBCTL_ONNX_VENV:-$HOME/.cache/hubctl-dev/venv-onnx}"
requirements="$here/requirements-onnx.txt"
[ -f "$module/saved_model.pb" ] || { echo "no saved_model.pb in $module" >&2; exit 1; }

python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
if ! cmp -s "$requirements" "$venv/requirements-onnx.txt"; then
  "$venv/bin/pip" install --quiet -r "$requirements"
  cp "$requirements" "$venv/requirements-onnx.txt"
fi

# Up to date: both outputs exist and were converted from a module with the same graph and checkpoint index
# (the benchmark unpacks the same archive afresh each run, so file times say nothing).
source_id=$(cd "$module" && sha256sum saved_model.pb variables/variables.index | sha256sum | cut -d' ' -f1)
if [ -f "$out" ] && [ -f "$out.data" ] && [ "$(cat "$out.source" 2>/dev/null)" = "$source_id" ]; then
  echo "up to date: $out" >&2
  exit 0
fi

mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
tmp="$(mktemp -d "$(dirname "$out")/.convert_onnx.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
start=$(date +%s.%N)
staged="$tmp/$(basename "$out")"

echo "tf2onnx: $module -> $out (log: $out.log)" >&2
: > "$out.log"
step() {
  if ! "$venv/bin/python" "$here/convert_onnx.py" "$@" >> "$out.log" 2>&1; then
    grep -v '^I0000 \|INFO - \|reference variable' "$out.log" | tail -30 >&2
    echo "convert_onnx.py $1 failed; full log in $out.log" >&2
    exit 1
  fi
}
step freeze "$module" "$tmp"
step convert "$tmp" "$staged"
grep '^\[convert_onnx\]' "$out.log" >&2 || true

# The .data first, the graph, then the source stamp last: all three present mark a finished conversion.
rm -f "$out"
mv -f "$staged.data" "$out.data"
mv -f "$staged" "$out"
chmod --reference="$out" "$out.data"   # onnx writes its data file 0600
echo "$source_id" > "$out.source"
printf "converted in %.1f s: %s (%s bytes) + %s (%s bytes)\n" "$(echo "$(date +%s.%N) - $start" | bc -l)" \
  "$out" "$(stat -c %s "$out")" "$out.data" "$(stat -c %s "$out.data")" >&2
