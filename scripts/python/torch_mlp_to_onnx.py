"""Exports a plain PyTorch MLP with torch.onnx.export, as someone outside the playground would,
and writes PyTorch's own outputs on the 10,000 MNIST test images beside it.

  torch_mlp_to_onnx.py --mnist DIR --out FOLDER   → FOLDER/torch-mlp.onnx, FOLDER/torch-outputs.f32
"""
import argparse
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_idx import load_split  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mnist", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 64), nn.ReLU(),
        nn.Linear(64, 32), nn.Tanh(),
        nn.Linear(32, 16), nn.Sigmoid(),
        nn.Linear(16, 10), nn.Softmax(dim=1),
    )
    pixels, labels = load_split(args.mnist, "train")
    # A few hundred steps, so the outputs mean something and classes are not ties.
    optimizer = torch.optim.Adam(net.parameters(), lr=0.003)
    x, y = torch.from_numpy(pixels[:6000]), torch.from_numpy(labels[:6000])
    for step in range(300):
        batch = slice((step * 64) % 6000, (step * 64) % 6000 + 64)
        loss = nn.functional.nll_loss(torch.log(net(x[batch]) + 1e-12), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    net.eval()
    torch.onnx.export(
        net, (torch.zeros(1, 1, 28, 28),), os.path.join(args.out, "torch-mlp.onnx"),
        dynamo=False, input_names=["pixels"], output_names=["probabilities"],
        dynamic_axes={"pixels": {0: "batch"}, "probabilities": {0: "batch"}},
    )
    test, _ = load_split(args.mnist, "test")
    with torch.no_grad():
        outputs = net(torch.from_numpy(test).reshape(-1, 1, 28, 28)).numpy()
    outputs.astype("<f4").tofile(os.path.join(args.out, "torch-outputs.f32"))


if __name__ == "__main__":
    main()
