#!/usr/bin/env bash
# Creates .venv/ with the Python packages that verify our exports and time the native peer:
# onnx (checker), onnxruntime, safetensors, numpy and a CPU build of torch.
# pip reads its indexes from its own configuration (pip config list); torch is pinned to the
# CPU build because the newest one asks for CUDA packages that are not there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if .venv/bin/python -c 'import torch, onnx, onnxruntime, safetensors, numpy' 2>/dev/null; then
  exit 0
fi
.venv/bin/pip install --quiet --retries 0 --timeout 20 \
  'torch==2.13.0+cpu' 'onnx' 'onnxruntime' 'safetensors' 'numpy'
.venv/bin/python -c 'import torch, onnx, onnxruntime, safetensors; print("python env:", "torch", torch.__version__, "onnx", onnx.__version__, "onnxruntime", onnxruntime.__version__)'
