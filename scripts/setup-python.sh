#!/usr/bin/env bash
# Creates .venv/ with the Python packages that verify our exports and time the native peer:
# onnx (checker), onnxruntime, safetensors, numpy and a CPU build of torch. `npm test` runs this
# first (pretest); once the packages import it returns at once.
# pip reads its indexes from its own configuration (pip config list); torch is pinned to the
# CPU build because the newest one asks for CUDA packages that are not there.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "setup-python: $*" >&2
  exit 1
}

command -v python3 >/dev/null 2>&1 || fail "no python3 on PATH: install Python 3.10 or newer (Debian: apt-get install python3 python3-venv)"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv 2>/dev/null || { rm -rf .venv; fail "python3 cannot make a virtual environment: install the venv module (Debian: apt-get install python3-venv)"; }
fi
if .venv/bin/python -c 'import torch, onnx, onnxruntime, safetensors, numpy' 2>/dev/null; then
  exit 0
fi
echo "setup-python: installing torch (CPU), onnx, onnxruntime, safetensors and numpy into .venv (about a minute)"
.venv/bin/pip install --quiet --retries 0 --timeout 20 --log .venv/pip.log \
  'torch==2.13.0+cpu' 'onnx' 'onnxruntime' 'safetensors' 'numpy' >/dev/null 2>&1 ||
  fail "pip could not install torch==2.13.0+cpu, onnx, onnxruntime, safetensors and numpy from its configured indexes (pip config list); pip's log: .venv/pip.log"
.venv/bin/python -c 'import torch, onnx, onnxruntime, safetensors; print("setup-python: torch", torch.__version__, "onnx", onnx.__version__, "onnxruntime", onnxruntime.__version__)'
