#!/usr/bin/python3
"""Exports the benchmark model: torchvision ResNet-50 with seeded random weights, ONNX opset 17, dynamic batch.

Run from the repository root with Debian's python3-torch / python3-torchvision (no download, no pretrained weights):

    /usr/bin/python3 gradcam-onnx/runtime/bench/make_resnet50.py

It writes gradcam-onnx/runtime/target/bench/resnet50.onnx (git-ignored, about 100 MB). With arguments
`OUT ARCH` it exports another torchvision classifier, e.g. `target/bench/resnet18.onnx resnet18` for the
backend comparison in docs/performance.md. Weights are random: the
benchmark measures time, which does not depend on the weights' values.
"""
import os
import sys

import torch
import torchvision

ARCH = sys.argv[2] if len(sys.argv) > 2 else "resnet50"
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "target", "bench", "resnet50.onnx")


def main():
    torch.manual_seed(0)
    model = getattr(torchvision.models, ARCH)(weights=None).eval()
    os.makedirs(os.path.dirname(os.path.abspath(OUT)), exist_ok=True)
    x = torch.randn(1, 3, 224, 224)
    torch.onnx.export(model, x, OUT, opset_version=17, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True)
    print("wrote", os.path.abspath(OUT))


if __name__ == "__main__":
    main()
