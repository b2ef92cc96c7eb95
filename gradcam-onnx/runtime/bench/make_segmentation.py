#!/usr/bin/python3
"""Exports torchvision's segmentation models with seeded random weights and computes torch.autograd references.

Run with Debian's python3-torch 1.13 / python3-torchvision 0.14 (no download, no pretrained weights):

    /usr/bin/python3 gradcam-onnx/runtime/bench/make_segmentation.py [OUT_DIR]

OUT_DIR defaults to gradcam-onnx/runtime/target/bench/segmentation (git-ignored: the models are 13 to 130 MB). For
each of lraspp_mobilenet_v3_large, deeplabv3_mobilenet_v3_large and fcn_resnet50 (num_classes 21, weights=None,
weights_backbone=None, torch.manual_seed(0), eval mode) it writes:

  NAME.onnx               torch.onnx.export, opset 17, input "input" [1, 3, 224, 224] (static), the dict output's
                          "out" as output "out" [1, 21, 224, 224] (aux heads are off without pretrained weights)
  NAME/input.npy          seeded N(0, 1) input [1, 3, 224, 224]
  NAME/out.npy            the output
  NAME/mask.npy           the pixels predicted as CLASS (argmax over classes == CLASS), [224, 224]
  NAME/region.npy         the mask explained: the predicted pixels inside an ellipse (random weights often predict
                          one class everywhere), [224, 224]
  NAME/input_grad.npy     d target / d input for pytorch-grad-cam's SemanticSegmentationTarget(CLASS, region):
                          sum(out[0, CLASS] * region)
  NAME/cam.npy            Grad-CAM's signed map at LAYER: sum_k mean_hw(dT/dA_k) A_k, [1, h, w]
  NAME/manifest.json      class, layer (module path) and the ONNX tensor of the layer (last node of its scope),
                          and torch's own float32 relative error on input_grad and cam against these references

CLASS is the class predicted on the most pixels other than class 0 (background), so the mask is not empty.
Random BatchNorm statistics are not set: torchvision initialises them to mean 0, var 1, which keeps activations
finite through these deep nets.
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
import torchvision.models.segmentation as seg

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "target", "bench", "segmentation")
MODELS = {
    "lraspp_mobilenet_v3_large": ("backbone.16", "/model/backbone/backbone.16/"),
    "deeplabv3_mobilenet_v3_large": ("backbone.16", "/model/backbone/backbone.16/"),
    "fcn_resnet50": ("backbone.layer4", "/model/backbone/layer4/"),
}


class OutOnly(torch.nn.Module):
    """The model's "out" entry, as pytorch-grad-cam's segmentation tutorial wraps it."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


def main():
    os.makedirs(OUT, exist_ok=True)
    names = sys.argv[2:] or list(MODELS)
    for name in names:
        layer, scope = MODELS[name]
        torch.manual_seed(0)
        model = getattr(seg, name)(weights=None, weights_backbone=None, num_classes=21).eval()
        wrapped = OutOnly(model).eval()
        torch.manual_seed(1)
        x32 = torch.randn(1, 3, 224, 224)
        path = os.path.join(OUT, name + ".onnx")
        torch.onnx.export(wrapped, x32, path, opset_version=17, input_names=["input"], output_names=["out"],
                          do_constant_folding=True)
        g = onnx.load(path).graph
        tensor = [n.output[0] for n in g.node if n.name.startswith(scope)][-1]

        m64 = OutOnly(model).double().eval()
        acts = {}
        module = dict(m64.model.named_modules())[layer]
        module.register_forward_hook(lambda mod, i, o: acts.__setitem__("a", o))
        x = x32.double().requires_grad_(True)
        out = m64(x)
        pred = out[0].argmax(0)
        counts = torch.bincount(pred.flatten(), minlength=21)
        counts[0] = -1
        cls = int(counts.argmax())
        mask = (pred == cls).double()
        # Random weights tend to predict one class everywhere: explain an ellipse of its pixels, a mask as a user
        # would draw it (region:CLASS:mask.png), so that the map has somewhere to be.
        ys, xs = torch.meshgrid(torch.arange(224.0), torch.arange(224.0), indexing="ij")
        ellipse = (((xs - 140) / 50) ** 2 + ((ys - 90) / 35) ** 2 <= 1).double()
        region = mask * ellipse
        target = (out[0, cls] * region).sum()
        ga, gx = torch.autograd.grad(target, [acts["a"], x])
        cam = (ga.mean((2, 3), keepdim=True) * acts["a"]).sum(1)
        # torch's own float32 error against this float64 reference: deep random nets lose digits in float32, so
        # the Java test allows a few times this (and at least 1e-4).
        acts32 = {}
        model.float()
        h = dict(model.named_modules())[layer].register_forward_hook(lambda mod, i, o: acts32.__setitem__("a", o))
        x_32 = x32.clone().requires_grad_(True)
        out32 = wrapped(x_32)
        ga32, gx32 = torch.autograd.grad((out32[0, cls] * region.float()).sum(), [acts32["a"], x_32])
        h.remove()
        cam32 = (ga32.mean((2, 3), keepdim=True) * acts32["a"]).sum(1)
        rel = lambda a, b: float((a.double() - b).norm() / b.norm())
        f32 = {"input_grad": rel(gx32, gx), "cam": rel(cam32, cam)}
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        for f, t in (("input", x32), ("out", out), ("mask", mask), ("region", region), ("input_grad", gx),
                     ("cam", cam)):
            np.save(os.path.join(folder, f + ".npy"), t.detach().numpy().astype(np.float32))
        with open(os.path.join(folder, "manifest.json"), "w") as f:
            json.dump({"class": cls, "layer": layer, "onnx_tensor": tensor, "mask_pixels": int(mask.sum()),
                       "float32_error": f32,
                       "ops": sorted({n.op_type for n in g.node})}, f, indent=1)
        print("wrote", path, "class", cls, "mask", int(mask.sum()), "layer", tensor)


if __name__ == "__main__":
    main()
