#!/usr/bin/python3
"""Counts a torchvision classifier's multiply-adds per image (convolutions, with the strided ones and the stem apart,
and the final Linear) by forward hooks: the work figures behind "How close to the machine's peak" in
docs/performance.md. Batch normalisation and ReLU are left out: ONNX Runtime folds or fuses them into the
convolutions.

    /usr/bin/python3 gradcam-onnx/runtime/bench/count_macs.py resnet18 resnet50
"""
import sys

import torch
import torchvision


def count(arch):
    model = getattr(torchvision.models, arch)(weights=None).eval()
    macs = {"conv": 0, "strided conv": 0, "stem conv": 0, "linear": 0}

    def hook(module, inputs, output):
        if isinstance(module, torch.nn.Conv2d):
            n = output.numel() * module.weight[0].numel()
            macs["conv"] += n
            if max(module.stride) > 1:
                macs["strided conv"] += n
            if module.in_channels == 3:
                macs["stem conv"] += n
        elif isinstance(module, torch.nn.Linear):
            macs["linear"] += module.weight.numel()

    for m in model.modules():
        m.register_forward_hook(hook)
    with torch.no_grad():
        model(torch.zeros(1, 3, 224, 224))
    return macs


def main():
    for arch in sys.argv[1:] or ["resnet18", "resnet50"]:
        macs = count(arch)
        total = macs["conv"] + macs["linear"]
        parts = ", ".join(f"{k} {v / 1e9:.4f}" for k, v in macs.items())
        print(f"{arch}: {total / 1e9:.4f} G multiply-adds per 224x224 image ({2 * total / 1e9:.3f} GFLOP); {parts}")


if __name__ == "__main__":
    main()
