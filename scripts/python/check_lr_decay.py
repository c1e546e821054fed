"""Replays a playground momentum run whose learning rate changes, through train.py's optimizer and
set_learning_rate, and prints how far torch's weights end from the playground's.

  check_lr_decay.py FOLDER CASE.json   → prints {"largestDifference": ...}
CASE.json: {"momentum", "start": [w], "steps": [{"rate", "grad": [g]}], "ours": [w after the steps]}
"""
import argparse
import importlib.util
import json
import os
import sys

import torch

folder, case_path = sys.argv[1], sys.argv[2]
sys.path.insert(0, folder)  # train.py imports model.py from beside it
spec = importlib.util.spec_from_file_location("exported_train", os.path.join(folder, "train.py"))
train = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train)

with open(case_path) as f:
    case = json.load(f)
weight = torch.nn.Parameter(torch.tensor(case["start"], dtype=torch.float32))
args = argparse.Namespace(optimizer="momentum", momentum=case["momentum"], l2=0.0)
net = torch.nn.Module()
net.weight = weight
optimizer = train.make_optimizer(net, args, case["steps"][0]["rate"])
for step in case["steps"]:
    train.set_learning_rate(optimizer, step["rate"])
    weight.grad = torch.tensor(step["grad"], dtype=torch.float32)
    optimizer.step()
ours = torch.tensor(case["ours"], dtype=torch.float32)
print(json.dumps({"largestDifference": (weight.detach() - ours).abs().max().item()}))
