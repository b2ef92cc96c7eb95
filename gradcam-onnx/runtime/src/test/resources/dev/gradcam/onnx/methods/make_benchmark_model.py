#!/usr/bin/python3
"""Exports a ResNet-50 (torchvision architecture, seeded random weights, no download) for MethodBenchmark.

    /usr/bin/python3 make_benchmark_model.py [OUT.onnx]      (default /tmp/resnet50.onnx, about 100 MB; not committed)

Input [N, 3, 224, 224] (dynamic N), output logits [N, 1000], opset 17, eval mode (BatchNorm folded by the exporter).
Random weights are fine for timing: cost depends on the architecture, not on the values.
"""
import sys

import torch
import torchvision

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/resnet50.onnx"
torch.manual_seed(0)
model = torchvision.models.resnet50(weights=None).eval()
torch.onnx.export(model, torch.randn(1, 3, 224, 224), out, opset_version=17, input_names=["input"],
                  output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
print("wrote", out)
