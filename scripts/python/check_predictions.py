"""Compares an exported model's predictions on the 10,000 MNIST test images with the playground's.

  check_predictions.py --mnist DIR --ours PROBS.f32 --onnx model.onnx
  check_predictions.py --mnist DIR --ours PROBS.f32 --torch DIR   (model.py + model.safetensors)

PROBS.f32 holds the playground's outputs, 10,000 × classes little-endian float32. Prints one
JSON line: the images compared, how many got the same class, the largest probability difference,
and the exported model's test accuracy. The ONNX file must pass onnx.checker (full check) first.
"""
import argparse
import importlib.util
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_idx import load_split  # noqa: E402


def onnx_outputs(path, pixels):
    import onnx
    import onnxruntime

    onnx.checker.check_model(onnx.load(path), full_check=True)
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return session.run(None, {name: pixels})[0]


def torch_outputs(folder, pixels):
    import torch
    from safetensors.torch import load_file

    spec = importlib.util.spec_from_file_location("exported_model", os.path.join(folder, "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    net = module.Net()
    net.load_state_dict(load_file(os.path.join(folder, "model.safetensors")))
    net.eval()
    with torch.no_grad():
        return net.probabilities(torch.from_numpy(pixels)).numpy()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mnist", required=True)
    parser.add_argument("--ours", required=True)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--onnx")
    group.add_argument("--torch")
    args = parser.parse_args()

    pixels, labels = load_split(args.mnist, "test")
    theirs = onnx_outputs(args.onnx, pixels) if args.onnx else torch_outputs(args.torch, pixels)
    ours = np.fromfile(args.ours, dtype="<f4").reshape(theirs.shape)
    same = int((ours.argmax(1) == theirs.argmax(1)).sum())
    print(json.dumps({
        "images": len(labels),
        "sameClass": same,
        "maxDifference": float(np.abs(ours.astype(np.float64) - theirs).max()),
        "accuracy": float((theirs.argmax(1) == labels).mean()),
    }))


if __name__ == "__main__":
    main()
