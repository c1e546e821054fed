/**
 * train.py of the PyTorch export: the same file for every config (it reads model.py's CONFIG
 * for its defaults), so it runs unchanged on one process or under torchrun.
 */
export const TRAIN_PY = String.raw`"""Trains model.py's network with the MNIST Playground's recipe, on one process or many.

The recipe is the playground's: the optimizer (SGD, momentum as v = mu*v - lr*g, w += v, or
Adam with the config's betas, 0.9/0.999 by default, and eps 1e-8), learning rate and its decay per epoch, batch size, L2 on the weights only
(lambda*w added to the gradient), inverted dropout on hidden layers, the initialisation, the
augmentation (shifts and rotations, bilinear), the epochs, and the loss (cross-entropy for a
Softmax output, half the squared error otherwise). MNIST comes from the four standard IDX
files (train-images-idx3-ubyte and the others, plain or .gz).

  one process:                  python train.py --data DIR
  one machine, M processes:     torchrun --nproc-per-node M train.py --data DIR
  N machines (on each, R = 0 … N-1):
    torchrun --nnodes N --nproc-per-node M --node-rank R --rdzv-backend c10d \
             --rdzv-endpoint HOST:29500 train.py --data DIR

Under torchrun the script uses DistributedDataParallel (gloo on CPU, nccl with CUDA) and a
DistributedSampler that gives each process its share of every epoch. Checkpoints go to --out
as model-trained.json, which the playground's "Load model" and "npm run evaluate" read, and
model-trained.safetensors, which --weights reads to continue.
"""
import argparse
import datetime
import gzip
import hashlib
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data.distributed import DistributedSampler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import CONFIG, LAYER_HEADERS, SOFTMAX_OUTPUT, Net, mulberry32, our_init  # noqa: E402

BATCH_MODES = """learning rate and batch size with W processes (--batch-mode):
  global       (default) --batch-size is the global batch: each process takes batch/W samples
               per step (W must divide it), every step averages the same samples' gradients as
               one process would, and --lr stays as given. The playground's recipe, unchanged.
  per-process  each process takes --batch-size samples per step, so a step averages W x batch
               samples and takes W times fewer steps per epoch; --lr is multiplied by W (the
               linear scaling rule, Goyal et al. 2017). Add --no-lr-scaling to keep --lr as given
               (often better for Adam)."""


def parse_args():
    augment = CONFIG.get("augment") or {"shift": 0, "rotate": 0}
    parser = argparse.ArgumentParser(description=__doc__, epilog=BATCH_MODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("MNIST_DIR", "mnist"), help="folder with the four MNIST IDX files (default $MNIST_DIR or ./mnist)")
    parser.add_argument("--weights", help="start from these weights: .safetensors or the playground's model .json (default: model.safetensors beside this script, if there)")
    parser.add_argument("--from-scratch", action="store_true", help="start from the playground's initialisation for --seed instead of the exported weights")
    parser.add_argument("--epochs", type=int, default=CONFIG["epochs"])
    parser.add_argument("--samples", type=int, default=CONFIG["samples"], help="train on the first N training images")
    parser.add_argument("--batch-size", type=int, default=CONFIG["batch_size"])
    parser.add_argument("--batch-mode", choices=["global", "per-process"], default="global", help="see below")
    parser.add_argument("--no-lr-scaling", action="store_true", help="with --batch-mode per-process, keep --lr as given")
    parser.add_argument("--lr", type=float, default=CONFIG["learning_rate"])
    parser.add_argument("--lr-decay", type=float, default=CONFIG.get("learning_rate_decay", 1.0), help="the rate falls smoothly by this factor over each epoch")
    parser.add_argument("--optimizer", choices=["sgd", "momentum", "adam"], default=CONFIG["optimizer"])
    parser.add_argument("--momentum", type=float, default=CONFIG["momentum"])
    parser.add_argument("--l2", type=float, default=CONFIG["l2"])
    parser.add_argument("--dropout", type=float, default=CONFIG["dropout"])
    parser.add_argument("--seed", type=int, default=CONFIG["seed"])
    parser.add_argument("--augment-shift", type=int, default=augment["shift"], help="largest shift in pixels (0: none)")
    parser.add_argument("--augment-rotate", type=float, default=augment["rotate"], help="largest rotation in degrees (0: none)")
    parser.add_argument("--out", default="checkpoints", help="folder for model-trained.json and model-trained.safetensors")
    parser.add_argument("--report", help="also write the final figures as JSON to this file")
    return parser.parse_args()


def read_idx(path):
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_split(folder, prefix):
    images = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"))
    # v / 255 in double, rounded once to float32: the playground's pixel values exactly.
    pixels = (images.reshape(len(images), -1).astype(np.float64) / 255).astype(np.float32)
    return torch.from_numpy(pixels), torch.from_numpy(labels.astype(np.int64))


def shapes(state):
    return {name: list(tensor.shape) for name, tensor in state.items()}


def load_weights(net, path):
    """Weights from .safetensors or our model .json; layers that do not match model.py are refused, naming both shapes."""
    if path.endswith(".json"):
        with open(path) as f:
            saved = json.load(f)
        if saved.get("format") != "mnist-playground-model":
            sys.exit(f"{path}: not a playground model file (no \"format\": \"mnist-playground-model\")")
        state = {}
        prefix = "dense" if saved.get("version", 1) == 1 else "layers"
        for l, layer in enumerate(saved["layers"]):
            if "weights" not in layer:
                continue
            weights = torch.tensor(layer["weights"], dtype=torch.float32)
            if layer.get("type") == "batchnorm":
                state[f"{prefix}.{l}.running_mean"] = torch.tensor(layer["running_mean"], dtype=torch.float32)
                state[f"{prefix}.{l}.running_var"] = torch.tensor(layer["running_var"], dtype=torch.float32)
                state[f"{prefix}.{l}.num_batches_tracked"] = torch.tensor(0)
            elif layer.get("type") == "conv2d":
                # Ours is [out, kh, kw, in]; nn.Conv2d's is [out, in, kh, kw].
                k = layer["kernel_size"]
                weights = weights.reshape(layer["filters"], k, k, layer["input_shape"][2]).permute(0, 3, 1, 2).contiguous()
            else:
                weights = weights.reshape(layer["outputs"], layer["inputs"])
            state[f"{prefix}.{l}.weight"] = weights
            state[f"{prefix}.{l}.bias"] = torch.tensor(layer["biases"], dtype=torch.float32)
    else:
        from safetensors.torch import load_file
        state = load_file(path)
    found, expected = shapes(state), shapes(net.state_dict())
    if found != expected:
        problems = []
        for name in sorted(set(found) | set(expected)):
            if found.get(name) != expected.get(name):
                problems.append(f"{name} is {found.get(name, 'missing')} in the checkpoint but {expected.get(name, 'absent')} in model.py")
        chain = lambda s: "-".join(str(s[f"dense.{l}.weight"][1]) for l in range(len(s) // 2)) + "-" + str(s[f"dense.{len(s) // 2 - 1}.weight"][0])
        layers = f" (checkpoint {chain(found)}, config {chain(expected)})" if all(k.startswith("dense.") for k in found) and len(found) % 2 == 0 else ""
        sys.exit(f"{path}: its layers do not match the config{layers}: " + "; ".join(problems))
    net.load_state_dict(state)


def augment(x, generator, shift, rotate):
    """The playground's augmentation: each image shifted by whole pixels and rotated about its centre, resampled bilinearly."""
    batch, side = x.shape[0], 28
    image = x.reshape(batch, side * side)
    dx = torch.randint(-shift, shift + 1, (batch, 1, 1), generator=generator).double() if shift > 0 else torch.zeros(batch, 1, 1, dtype=torch.float64)
    dy = torch.randint(-shift, shift + 1, (batch, 1, 1), generator=generator).double() if shift > 0 else torch.zeros(batch, 1, 1, dtype=torch.float64)
    angle = (2 * torch.rand(batch, 1, 1, generator=generator, dtype=torch.float64) - 1) * math.radians(rotate)
    centre = (side - 1) / 2
    ys, xs = torch.meshgrid(torch.arange(side, dtype=torch.float64), torch.arange(side, dtype=torch.float64), indexing="ij")
    rx, ry = xs - dx - centre, ys - dy - centre
    # Each output pixel reads the source point that the inverse move lands on.
    sx = torch.cos(angle) * rx + torch.sin(angle) * ry + centre
    sy = -torch.sin(angle) * rx + torch.cos(angle) * ry + centre
    x0, y0 = torch.floor(sx), torch.floor(sy)
    fx, fy = sx - x0, sy - y0

    def pixel(px, py):
        inside = (px >= 0) & (py >= 0) & (px < side) & (py < side)
        index = (py.clamp(0, side - 1) * side + px.clamp(0, side - 1)).long().reshape(batch, -1)
        return image.gather(1, index).reshape(batch, side, side).double() * inside

    top = (1 - fx) * pixel(x0, y0) + fx * pixel(x0 + 1, y0)
    bottom = (1 - fx) * pixel(x0, y0 + 1) + fx * pixel(x0 + 1, y0 + 1)
    return ((1 - fy) * top + fy * bottom).clamp(max=1).float().reshape(batch, -1)


def shuffle(order, rand):
    """The playground's Fisher-Yates shuffle, in place."""
    for i in range(len(order) - 1, 0, -1):
        j = int(rand() * (i + 1))
        order[i], order[j] = order[j], order[i]


def loss_of(output, labels):
    if SOFTMAX_OUTPUT:
        return F.cross_entropy(output, labels)
    target = F.one_hot(labels, output.shape[1]).to(output.dtype)
    return 0.5 * ((output - target) ** 2).sum(1).mean()


def make_optimizer(net, args, lr):
    weights = [p for name, p in net.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in net.named_parameters() if name.endswith("bias")]
    groups = [{"params": weights, "weight_decay": args.l2}, {"params": biases, "weight_decay": 0.0}]
    if args.optimizer == "adam":
        return torch.optim.Adam(groups, lr=lr, betas=(CONFIG.get("adam_beta1", 0.9), CONFIG.get("adam_beta2", 0.999)), eps=1e-8)
    # torch's momentum (buf = mu*buf + g; w -= lr*buf) equals the playground's (v = mu*v - lr*g; w += v) for a fixed lr;
    # set_learning_rate keeps them equal when the rate changes.
    return torch.optim.SGD(groups, lr=lr, momentum=args.momentum if args.optimizer == "momentum" else 0.0)


def set_learning_rate(optimizer, lr):
    """The playground's velocity v = -lr*buf carries over a change of rate, so torch's buffer is rescaled by old/new."""
    for group in optimizer.param_groups:
        ratio = group["lr"] / lr
        group["lr"] = lr
        for p in group["params"]:
            buffer = optimizer.state.get(p, {}).get("momentum_buffer")
            if buffer is not None:
                buffer.mul_(ratio)


def evaluate(net, images, labels, device):
    net.eval()
    with torch.no_grad():
        predicted = torch.cat([net.probabilities(images[i:i + 1000].to(device)).argmax(1).cpu() for i in range(0, len(images), 1000)])
    net.train()
    confusion = torch.zeros(10, 10, dtype=torch.int64)
    confusion.index_put_((labels, predicted), torch.ones_like(labels), accumulate=True)
    return confusion


def numbers(tensor):
    # repr of a float32 widened to a float64 reads back as the same float32.
    return "[" + ",".join(map(repr, tensor.detach().cpu().reshape(-1).tolist())) + "]"


def save_checkpoint(net, args, global_batch, confusion, folder):
    """model-trained.json (version 1 for dense layers, 2 with layer types, as the playground saves
    them) and model-trained.safetensors. The JSON's path."""
    os.makedirs(folder, exist_ok=True)
    config = dict(CONFIG)
    config.update(epochs=args.epochs, samples=args.samples, batch_size=global_batch, learning_rate=args.lr, learning_rate_decay=args.lr_decay, optimizer=args.optimizer,
                  momentum=args.momentum, l2=args.l2, dropout=args.dropout, seed=args.seed,
                  augment={"shift": args.augment_shift, "rotate": args.augment_rotate} if args.augment_shift or args.augment_rotate else False)
    correct, total = int(confusion.trace()), int(confusion.sum())
    metrics = {"accuracy": correct / total, "correct": correct, "total": total, "confusion": confusion.tolist()}
    if LAYER_HEADERS is None:
        version = 1
        entries = [({"inputs": m.in_features, "outputs": m.out_features, "activation": CONFIG["activations"][l]}, m) for l, m in enumerate(net.dense)]
    else:
        version, entries = 2, list(zip(LAYER_HEADERS, net.layers))
    layers = []
    for header, module in entries:
        text = "    {" + json.dumps(header)[1:-1]
        if hasattr(module, "weight"):
            # nn.Conv2d's [out, in, kh, kw] back to our [out, kh, kw, in].
            weight = module.weight.permute(0, 2, 3, 1) if module.weight.dim() == 4 else module.weight
            text += f',\n     "weights": {numbers(weight)},\n     "biases": {numbers(module.bias)}'
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                text += f',\n     "running_mean": {numbers(module.running_mean)},\n     "running_var": {numbers(module.running_var)}'
        layers.append(text + "}")
    saved_at = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    text = (f'{{\n  "format": "mnist-playground-model",\n  "version": {version},\n  "savedAt": {json.dumps(saved_at)},\n'
            f'  "config": {json.dumps(config)},\n  "metrics": {json.dumps(metrics)},\n  "layers": [\n' + ",\n".join(layers) + "\n  ]\n}\n")
    path = os.path.join(folder, "model-trained.json")
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
    from safetensors.torch import save_file
    save_file({k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}, os.path.join(folder, "model-trained.safetensors"), metadata={"format": "pt"})
    return path


def main():
    args = parse_args()
    distributed = "RANK" in os.environ and "WORLD_SIZE" in os.environ
    device = torch.device("cpu")
    if distributed:
        if torch.cuda.is_available():
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
            torch.cuda.set_device(device)
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
    else:
        rank, world = 0, 1
    if not distributed and torch.cuda.is_available():
        device = torch.device("cuda")
    log = print if rank == 0 else (lambda *a, **k: None)

    if args.batch_mode == "global":
        if args.batch_size % world != 0:
            sys.exit(f"--batch-size {args.batch_size} cannot be split over {world} processes: use a multiple of {world} or --batch-mode per-process")
        local_batch, global_batch, lr = args.batch_size // world, args.batch_size, args.lr
    else:
        local_batch, global_batch = args.batch_size, args.batch_size * world
        lr = args.lr if args.no_lr_scaling else args.lr * world

    net = Net(dropout=args.dropout)
    weights = args.weights or (None if args.from_scratch else os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.safetensors"))
    # The playground's generator: it draws the initial weights, then each epoch's order.
    rand = mulberry32(args.seed)
    if weights and (args.weights or os.path.exists(weights)):
        load_weights(net, weights)
        log(f"Starting from {weights}")
    else:
        our_init(net, rand=rand)
        log(f"Starting from the playground's {CONFIG['init']} initialisation, seed {args.seed}")
    net.to(device)
    torch.manual_seed(args.seed + rank)
    model = DistributedDataParallel(net) if distributed else net
    optimizer = make_optimizer(net, args, lr)

    train_x, train_y = load_split(args.data, "train")
    test_x, test_y = load_split(args.data, "t10k")
    count = min(args.samples, len(train_x) - CONFIG.get("validation", 0))
    train_x, train_y = train_x[:count], train_y[:count]
    sampler = DistributedSampler(range(count), num_replicas=world, rank=rank, shuffle=True, seed=args.seed) if distributed else None
    generator = torch.Generator().manual_seed(args.seed * 1000 + rank)
    log(f"{world} process{'es' if world > 1 else ''} on {device.type}, {count} samples, batch {local_batch} per process "
        f"(global {global_batch}), lr {lr:g}, {args.optimizer}")

    # Batch statistics of one sample are undefined: with batch normalisation an epoch's lone
    # last sample joins the batch before it, as in the playground.
    joins_lone_sample = any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in net.modules())
    if joins_lone_sample and (local_batch < 2 or count < 2):
        sys.exit("Batch normalisation trains on each batch's statistics, which one sample does not have: train in batches of 2 or more, on 2 samples or more")
    confusion = None
    # One process visits the samples in the playground's order for the seed (its Fisher-Yates on
    # the same stream), so the two differ only in rounding; the playground draws dropout and
    # augmentation from that stream too, so with those the orders part after the first epoch.
    # Several processes share each epoch out with DistributedSampler.
    playground_order = list(range(count))
    for epoch in range(1, args.epochs + 1):
        if distributed:
            sampler.set_epoch(epoch)
            order = torch.tensor(list(sampler))
        else:
            shuffle(playground_order, rand)
            order = torch.tensor(playground_order)
        started = time.time()
        totals = torch.zeros(3, dtype=torch.float64)  # loss sum, correct, samples
        starts = list(range(0, len(order), local_batch))
        if joins_lone_sample and len(starts) > 1 and len(order) - starts[-1] == 1:
            starts.pop()
        for b, start in enumerate(starts):
            index = order[start:starts[b + 1] if b + 1 < len(starts) else len(order)]
            if args.lr_decay != 1:
                set_learning_rate(optimizer, lr * args.lr_decay ** (epoch - 1 + start / len(order)))
            x, y = train_x[index], train_y[index]
            if args.augment_shift or args.augment_rotate:
                x = augment(x, generator, args.augment_shift, args.augment_rotate)
            x, y = x.to(device), y.to(device)
            output = model(x)
            loss = loss_of(output, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            totals += torch.tensor([loss.item() * len(index), (output.argmax(1) == y).sum().item(), len(index)], dtype=torch.float64)
        if distributed:
            dist.all_reduce(totals)
        if not math.isfinite(totals[0].item()):
            sys.exit(f"Training diverged in epoch {epoch}: the loss became NaN or infinite. Try a smaller learning rate.")
        confusion = evaluate(net, test_x, test_y, device)
        accuracy = confusion.trace().item() / confusion.sum().item()
        log(f"Epoch {epoch} ({time.time() - started:.2f}s): loss {totals[0].item() / totals[2].item():.6f}, "
            f"training accuracy {100 * totals[1].item() / totals[2].item():.2f}%, test accuracy {100 * accuracy:.2f}%")
        if rank == 0:
            path = save_checkpoint(net, args, global_batch, confusion, args.out)
    flat = torch.cat([p.detach().cpu().reshape(-1) for p in net.parameters()])
    digest = hashlib.sha256(flat.numpy().tobytes()).hexdigest()
    digests = [None] * world
    if distributed:
        dist.all_gather_object(digests, digest)
    else:
        digests = [digest]
    if rank == 0:
        accuracy = confusion.trace().item() / confusion.sum().item()
        log(f"Overall Accuracy: {100 * accuracy:.2f}% ({int(confusion.trace())}/{int(confusion.sum())}); checkpoint {path}")
        log(f"Replicas identical: {len(set(digests)) == 1} ({world} process{'es' if world > 1 else ''})")
        if args.report:
            with open(args.report, "w") as f:
                json.dump({"worldSize": world, "testAccuracy": accuracy, "correct": int(confusion.trace()), "replicaDigests": digests,
                           "localBatch": local_batch, "globalBatch": global_batch, "learningRate": lr, "checkpoint": path}, f)
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
