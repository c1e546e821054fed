"""Checks that model.py's our_init() draws exactly the weights in model.safetensors (exported untrained).

  check_init.py FOLDER   → prints {"largestDifference": ...}
"""
import importlib.util
import json
import os
import sys

from safetensors.torch import load_file

folder = sys.argv[1]
spec = importlib.util.spec_from_file_location("exported_model", os.path.join(folder, "model.py"))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
drawn = module.our_init(module.Net()).state_dict()
saved = load_file(os.path.join(folder, "model.safetensors"))
print(json.dumps({"largestDifference": max((drawn[k] - saved[k]).abs().max().item() for k in saved)}))
