#!/usr/bin/python3
"""Old-opset exports of the fixture architectures, for the opset-conversion tests (OpsetConversionTest).

    /usr/bin/python3 make_opset_fixtures.py

Builds the eight architectures of ../fixtures/make_fixtures.py with the same seeds (so the weights equal those of
../fixtures/ARCH.onnx, exported at opset 17) and exports each at opsets 7, 9, 10 and 11 with torch.onnx.export
(Debian's python3-torch 1.13), as ARCH_opsetN.onnx beside this script. An architecture an opset cannot express
(convnext's GELU needs Erf, opset 9) is skipped at that opset and listed in manifest.json.

legacy_ops is a small CNN that exercises the operators whose signature changed between opsets 7 and 13: nearest
Upsample (Upsample-7/9, Resize-10/11/13), constant Pad (attribute pads before 11), Slice (attributes before 10),
Clip (ReLU6, attributes before 11), Squeeze/Unsqueeze (attribute axes before 13), Split (attribute split before
13), ReduceSum (attribute axes before 13) and a Softmax over the channel axis of a 4-D tensor (whose semantics
changed at 13). It is exported at 7, 9, 10, 11 and 13 (the reference), with a fixed batch of 2 (torch exports
Upsample at opset 7 only for static shapes). Output is deterministic.
"""
import io
import json
import os
import sys

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
import make_fixtures as mf  # noqa: E402

OPSETS = (7, 9, 10, 11)


class LegacyOps(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3)
        self.conv3 = nn.Conv2d(8, 12, 3, padding=1)
        self.pool = nn.MaxPool2d(3, 2)
        self.fc = nn.Linear(12, 10)

    def forward(self, x):
        x = F.relu6(self.conv1(x))                      # Clip
        x = F.pad(x, (1, 1, 1, 1))                      # Pad
        x = self.conv2(x)
        x = x[:, :, 1:-1, 1:-1]                         # Slice
        x = F.interpolate(x, size=(14, 14), mode="nearest")  # Upsample / Resize (a fixed size exports at 7)
        a, b = torch.split(x, [3, 5], dim=1)            # Split
        x = torch.cat([b, a * torch.softmax(a, dim=1).sum(dim=1, keepdim=True)], 1)  # Softmax, ReduceSum
        x = F.relu(self.conv3(x))
        x = self.pool(x)                                # overlapping windows
        x = x.mean(dim=(2, 3)).unsqueeze(2).squeeze(2)  # ReduceMean, Unsqueeze, Squeeze
        return self.fc(x)


def export(model, x, opset, kw, dynamic):
    f = io.BytesIO()
    axes = {"input": {0: "N"}, "logits": {0: "N"}} if dynamic else None
    torch.onnx.export(model, x, f, opset_version=opset, input_names=["input"], output_names=["logits"],
                      dynamic_axes=axes, **kw)
    m = onnx.load_from_string(f.getvalue())
    onnx.checker.check_model(m)
    return f.getvalue(), sorted({n.op_type for n in m.graph.node})


def main():
    manifest = {"skipped": {}, "ops": {}}
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(42))
    models = {}
    for arch, (ctor, _) in mf.ARCHS.items():
        torch.manual_seed(0)
        model = ctor()
        mf.randomize_norms(model, torch.Generator().manual_seed(1234))
        models[arch] = (model.eval(), OPSETS,
                        {"training": torch.onnx.TrainingMode.PRESERVE} if arch in mf.BN_KEPT else {})
    torch.manual_seed(0)
    models["legacy_ops"] = (LegacyOps().eval(), OPSETS + (13,), {})
    for arch, (model, opsets, kw) in models.items():
        for opset in opsets:
            name = "%s_opset%d" % (arch, opset)
            try:
                data, ops = export(model, x, opset, kw, arch != "legacy_ops")
            except Exception as e:  # the exporter cannot express an op at this opset
                manifest["skipped"][name] = str(e).splitlines()[0][:200]
                continue
            with open(os.path.join(HERE, name + ".onnx"), "wb") as fh:
                fh.write(data)
            manifest["ops"][name] = ops
    with open(os.path.join(HERE, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)
        fh.write("\n")


if __name__ == "__main__":
    main()
