#!/usr/bin/python3
"""Exports torchvision transformer-era classifiers with seeded random weights, ONNX opset 17, dynamic batch.

Run from the repository root with Debian's python3-torch / python3-torchvision (no download, no pretrained weights):

    /usr/bin/python3 gradcam-onnx/runtime/bench/make_transformers.py [OUT_DIR] [vit_b_16 swin_t convnext_tiny]

It writes OUT_DIR/<name>.onnx (default gradcam-onnx/runtime/target/bench/, git-ignored; 110-350 MB each).
torchvision zero-initialises ViT's classification head, which would make every gradient zero: the head gets seeded
random weights instead. Weights are random: these files test shapes, layers and gradients, not predictions.
"""
import os
import sys

import torch
import torchvision

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "target", "bench")
NAMES = sys.argv[2:] or ["vit_b_16", "swin_t", "convnext_tiny"]


def build(name):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    if name.startswith("vit"):
        torch.nn.init.normal_(model.heads.head.weight, std=0.02)
        torch.nn.init.normal_(model.heads.head.bias, std=0.02)
    return model


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in NAMES:
        path = os.path.join(OUT, name + ".onnx")
        model = build(name)
        x = torch.randn(1, 3, 224, 224)
        torch.onnx.export(model, x, path, opset_version=17, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True)
        print("wrote", os.path.abspath(path))


if __name__ == "__main__":
    main()
