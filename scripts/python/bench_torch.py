"""PyTorch (CPU) as the bench's native peer: the same network, real MNIST data, batch
and optimizer as `npm run bench`, timed the same way (median of repetitions after a
warm-up, extrapolated to a 60k epoch). Prints one JSON object on stdout.

Usage: bench_torch.py --data DIR --cases JSON --threads N --plan JSON --lr LR --momentum MU

A case is {"layers": [784, 200, 10], "activations": [...], "batchSize": 32} (a dense network,
SGD with --lr and --momentum), or {"modelPy": <the PyTorch export's model.py>, "batchSize": 16,
"optimizer": "momentum" | "sgd" | "adam", "learningRate": 0.01, "momentum": 0.9, "adamBeta1": 0.9,
"adamBeta2": 0.999} (a preset's convolutional network with its own optimizer).
"""
import argparse
import gzip
import importlib.util
import json
import os
import re
import tempfile
import time

import numpy as np
import torch

EPOCH_SAMPLES = 60_000


def read_idx(path, header):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def blas_line():
    """torch.__config__.show()'s own word on the BLAS it was built with."""
    config = torch.__config__.show()
    match = re.search(r"BLAS_INFO=([^,\s]+)", config)
    library = next((line.strip(" -") for line in config.splitlines() if "Math Kernel Library" in line or "OpenBLAS" in line), None)
    return (match.group(1) if match else "unknown") + (f" ({library})" if library else "")


def make_model(layers, activations):
    modules = []
    for i, activation in enumerate(activations):
        modules.append(torch.nn.Linear(layers[i], layers[i + 1]))
        if activation == "Sigmoid":
            modules.append(torch.nn.Sigmoid())
        elif activation == "ReLU":
            modules.append(torch.nn.ReLU())
        elif activation == "Tanh":
            modules.append(torch.nn.Tanh())
        elif activation == "Softmax":
            pass  # CrossEntropyLoss applies log-softmax to the logits
        else:
            raise SystemExit(f"activation {activation} has no PyTorch counterpart here")
    return torch.nn.Sequential(*modules)


def load_net(model_py):
    """The network of a preset as our PyTorch export writes it (its model.py, sent as text),
    so the peer times exactly the layers we export, whatever their kinds."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.py")
        with open(path, "w") as f:
            f.write(model_py)
        spec = importlib.util.spec_from_file_location("model", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module.Net()


def time_case(images, labels, case, plan, lr, momentum):
    torch.manual_seed(1)
    if "modelPy" in case:
        model = load_net(case["modelPy"])
        if case["optimizer"] == "adam":
            optimizer = torch.optim.Adam(model.parameters(), lr=case["learningRate"], betas=(case.get("adamBeta1", 0.9), case.get("adamBeta2", 0.999)))
        else:
            optimizer = torch.optim.SGD(model.parameters(), lr=case["learningRate"], momentum=case["momentum"] if case["optimizer"] == "momentum" else 0.0)
    else:
        model = make_model(case["layers"], case["activations"])
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loss_fn = torch.nn.CrossEntropyLoss()
    batch = case["batchSize"]
    count = images.shape[0]
    order = torch.randperm(count)
    position = [0]

    def train(samples):
        # The same work per batch as ours: gather the shuffled batch, forward, loss, backward, step.
        for _ in range(samples // batch):
            if position[0] + batch > count:
                position[0] = 0
            idx = order[position[0]:position[0] + batch]
            position[0] += batch
            x = images[idx]
            y = labels[idx]
            optimizer.zero_grad(set_to_none=False)
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()

    warmed = 0
    start = time.perf_counter()
    while True:
        train(batch)
        warmed += batch
        if time.perf_counter() - start >= plan["warmupSeconds"]:
            break
    rate = warmed / (time.perf_counter() - start)
    wanted = min(plan["maxSamples"], max(plan["minSamples"], rate * plan["targetSeconds"]))
    samples = max(1, round(wanted / batch)) * batch
    seconds = []
    for _ in range(plan["repetitions"]):
        start = time.perf_counter()
        train(samples)
        seconds.append(time.perf_counter() - start)
    middle = float(np.median(seconds))
    return {
        "samplesPerRepetition": samples,
        "seconds": seconds,
        "samplesPerSecond": samples / middle,
        "secondsPerEpoch": EPOCH_SAMPLES / (samples / middle),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--cases", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--lr", type=float, required=True)
    parser.add_argument("--momentum", type=float, required=True)
    parser.add_argument("--parameters-only", action="store_true", help="print each case's parameter count instead of timing it")
    args = parser.parse_args()
    if args.parameters_only:
        models = [load_net(case["modelPy"]) if "modelPy" in case else make_model(case["layers"], case["activations"]) for case in json.loads(args.cases)]
        print(json.dumps([sum(p.numel() for p in model.parameters()) for model in models]))
        return
    torch.set_num_threads(args.threads)
    raw = read_idx(f"{args.data}/train-images-idx3-ubyte.gz", 16).reshape(-1, 784)
    images = torch.from_numpy(raw.astype(np.float32) / 255.0)
    labels = torch.from_numpy(read_idx(f"{args.data}/train-labels-idx1-ubyte.gz", 8).astype(np.int64))
    plan = json.loads(args.plan)
    results = [time_case(images, labels, case, plan, args.lr, args.momentum) for case in json.loads(args.cases)]
    print(json.dumps({"version": torch.__version__, "blas": blas_line(), "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()
