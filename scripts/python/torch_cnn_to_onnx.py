"""A PyTorch CNN (convolutions, batch normalisation, max and average pooling, linear layers) exported
to ONNX the ways other tools write it, with the outputs to expect on the MNIST test images:

  torch_cnn_to_onnx.py --mnist DIR --out FOLDER [--variant trained|small] [--images N]

  FOLDER/nchw.onnx    torch.onnx.export, input [N, 1, 28, 28], BatchNormalization nodes kept
  FOLDER/flat.onnx    torch.onnx.export as most people call it, input [N, 784] reshaped inside;
                      the exporter folds each BatchNorm2d into its Conv, a BatchNorm1d stays
  FOLDER/nhwc.onnx    the same network as tf2onnx writes a Keras model: input [N, 28, 28, 1],
                      Transpose to NCHW around the convolutions and back, Reshape, MatMul + Add,
                      a last Gemm without transB; built node by node with onnx.helper
  FOLDER/NAME.ort.f32 onnxruntime's outputs of each file on the first N test images
  FOLDER/torch.f32    PyTorch's own outputs on them

"trained" is a ConvNetJS-like network trained for a few hundred batches; "small" is an untrained
one with random batch statistics and overlapping pools, checked layer by layer, not for accuracy.
"""
import argparse
import io
import os
import sys
import warnings

import numpy as np
import onnx
import onnxruntime
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_idx import load_split  # noqa: E402


def network(variant):
    if variant == "trained":
        return nn.Sequential(
            nn.Conv2d(1, 8, 5, padding=2), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 5, padding=2), nn.BatchNorm2d(16), nn.ReLU(), nn.AvgPool2d(3),
            nn.Flatten(), nn.Linear(16 * 4 * 4, 32), nn.BatchNorm1d(32), nn.ReLU(),
            nn.Linear(32, 10), nn.Softmax(dim=1),
        )
    # The activation after the max pool, as F.relu(F.max_pool2d(conv(x), 3, 2)) writes it.
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.MaxPool2d(3, stride=2), nn.LeakyReLU(0.01),
        nn.Conv2d(4, 6, 3), nn.BatchNorm2d(6), nn.Tanh(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(6 * 5 * 5, 12), nn.BatchNorm1d(12), nn.Sigmoid(),
        nn.Linear(12, 10), nn.Softmax(dim=1),
    )


def train(net, pixels, labels, steps):
    optimizer = torch.optim.Adam(net.parameters(), lr=0.003)
    x = torch.from_numpy(pixels).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(labels)
    net.train()
    for step in range(steps):
        start = (step * 64) % (len(x) - 64)
        loss = nn.functional.nll_loss(torch.log(net(x[start:start + 64]) + 1e-12), y[start:start + 64])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def randomise_statistics(net):
    """Batch statistics far from 0 and 1, so that folding them is checked."""
    generator = torch.Generator().manual_seed(1)
    for module in net:
        if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = module.num_features
            module.weight.data = torch.rand(n, generator=generator) * 1.5 + 0.25
            module.bias.data = torch.randn(n, generator=generator) * 0.3
            module.running_mean.data = torch.randn(n, generator=generator) * 0.2
            module.running_var.data = torch.rand(n, generator=generator) * 2 + 0.05


def export(net, example, **options):
    buffer = io.BytesIO()
    # The TorchScript exporter is what torch.onnx.export ran by default until 2.9 and what most files out
    # there come from; its constant-folding warning is for modules in training mode, and these are in eval.
    warnings.filterwarnings("ignore", message=".*(legacy TorchScript-based ONNX export|constant folding be turned off).*")
    torch.onnx.export(
        net, (example,), buffer, dynamo=False, opset_version=13, input_names=["pixels"], output_names=["probabilities"],
        dynamic_axes={"pixels": {0: "batch"}, "probabilities": {0: "batch"}}, **options,
    )
    return buffer.getvalue()


class Flat(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x.reshape(-1, 1, 28, 28))


def nhwc_graph(net):
    """The network as tf2onnx writes a Keras model of it: channels-last input and flatten."""
    shapes = {}
    hooks = [
        module.register_forward_hook(lambda m, i, o, index=index: shapes.__setitem__(index, tuple(i[0].shape[1:])))
        for index, module in enumerate(net) if isinstance(module, nn.Flatten)
    ]
    with torch.no_grad():
        net(torch.zeros(2, 1, 28, 28))
    for hook in hooks:
        hook.remove()
    nodes, initializers = [], []
    counter = iter(range(1000))

    def value(name, array):
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32) if array.dtype != np.int64 else array, name))
        return name

    def node(op, inputs, **attributes):
        out = f"t{next(counter)}"
        nodes.append(helper.make_node(op, inputs, [out], name=f"{op.lower()}_{len(nodes)}", **attributes))
        return out

    x = node("Transpose", ["pixels"], perm=[0, 3, 1, 2])
    flattened = None
    linears = [i for i, m in enumerate(net) if isinstance(m, nn.Linear)]
    for index, module in enumerate(net):
        p = {k: v.detach().numpy() for k, v in module.state_dict().items() if v.dtype == torch.float32}
        if isinstance(module, nn.Conv2d):
            x = node("Conv", [x, value(f"c{index}.w", p["weight"]), value(f"c{index}.b", p["bias"])],
                     kernel_shape=list(module.kernel_size), strides=list(module.stride),
                     pads=[module.padding[0], module.padding[1]] * 2)
        elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            names = [value(f"bn{index}.{k}", p[k]) for k in ("weight", "bias", "running_mean", "running_var")]
            x = node("BatchNormalization", [x, *names], epsilon=module.eps)
        elif isinstance(module, nn.MaxPool2d):
            x = node("MaxPool", [x], kernel_shape=[module.kernel_size] * 2, strides=[module.stride] * 2)
        elif isinstance(module, nn.AvgPool2d):
            x = node("AveragePool", [x], kernel_shape=[module.kernel_size] * 2, strides=[module.stride] * 2)
        elif isinstance(module, nn.Flatten):
            flattened = shapes[index]
            x = node("Transpose", [x], perm=[0, 2, 3, 1])
            x = node("Reshape", [x, value(f"shape{index}", np.array([-1, int(np.prod(flattened))], dtype=np.int64))])
        elif isinstance(module, nn.Linear):
            w = p["weight"]
            if flattened is not None:
                channels, height, width = flattened
                w = w.reshape(-1, channels, height, width).transpose(0, 2, 3, 1).reshape(w.shape[0], -1)
                flattened = None
            if index == linears[-1]:
                x = node("Gemm", [x, value(f"l{index}.w", w.T), value(f"l{index}.b", p["bias"])])
            else:
                x = node("MatMul", [x, value(f"l{index}.w", w.T)])
                x = node("Add", [x, value(f"l{index}.b", p["bias"])])
        elif isinstance(module, nn.LeakyReLU):
            x = node("LeakyRelu", [x], alpha=module.negative_slope)
        else:
            x = node({nn.ReLU: "Relu", nn.Tanh: "Tanh", nn.Sigmoid: "Sigmoid", nn.Softmax: "Softmax"}[type(module)], [x])
    nodes[-1].output[0] = "probabilities"
    graph = helper.make_graph(
        nodes, "keras_twin",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["batch", 28, 28, 1])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 10])],
        initializers,
    )
    model = helper.make_model(graph, producer_name="tf2onnx-layout", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mnist", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--variant", choices=["trained", "small"], default="trained")
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--images", type=int, default=10000)
    args = parser.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(1)
    net = network(args.variant)
    if args.variant == "trained":
        pixels, labels = load_split(args.mnist, "train")
        train(net, pixels, labels, args.steps)
    else:
        randomise_statistics(net)
    net.eval()

    test, _ = load_split(args.mnist, "test")
    test = test[:args.images]
    files = {
        # PRESERVE keeps each BatchNormalization node; an eval export would fold the 2-D ones into their Conv.
        "nchw": export(net, torch.zeros(1, 1, 28, 28), training=torch.onnx.TrainingMode.PRESERVE),
        # eval(): the exporter puts a module back in the mode it had, and a new module is in training mode.
        "flat": export(Flat(net).eval(), torch.zeros(1, 784)),
        "nhwc": nhwc_graph(net),
    }
    inputs = {"nchw": test.reshape(-1, 1, 28, 28), "flat": test, "nhwc": test.reshape(-1, 28, 28, 1)}
    for name, model in files.items():
        with open(os.path.join(args.out, f"{name}.onnx"), "wb") as f:
            f.write(model)
        session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
        session.run(None, {"pixels": inputs[name]})[0].astype("<f4").tofile(os.path.join(args.out, f"{name}.ort.f32"))
    with torch.no_grad():
        net(torch.from_numpy(test).reshape(-1, 1, 28, 28)).numpy().astype("<f4").tofile(os.path.join(args.out, "torch.f32"))


if __name__ == "__main__":
    main()
