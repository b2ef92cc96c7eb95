#!/usr/bin/python3
"""Reference for TorchvisionResNet50Test: the benchmark ResNet-50 (make_resnet50.py, same seed) on a seeded input,
with torch.autograd's layer4 activation and gradient of logit[class] and the Grad-CAM map at layer4.

    /usr/bin/python3 gradcam-onnx/runtime/bench/torchvision_reference.py OUT_DIR CLASS

Writes OUT_DIR/{input,layer4_act,layer4_grad,gradcam}.npy (float32).
"""
import os
import sys

import numpy as np
import torch
import torchvision


def main():
    out, cls = sys.argv[1], int(sys.argv[2])
    torch.manual_seed(0)
    model = torchvision.models.resnet50(weights=None).eval()  # same construction and seed as make_resnet50.py
    g = torch.Generator().manual_seed(1)
    x = torch.randn(1, 3, 224, 224, generator=g)
    saved = {}
    model.layer4.register_forward_hook(lambda m, i, o: saved.__setitem__("a", o))
    logits = model(x)
    a = saved["a"]
    (grad,) = torch.autograd.grad(logits[0, cls], a)
    weights = grad.mean(dim=(2, 3), keepdim=True)
    cam = torch.relu((weights * a).sum(dim=1))
    os.makedirs(out, exist_ok=True)
    for name, t in [("input", x), ("layer4_act", a), ("layer4_grad", grad), ("gradcam", cam)]:
        np.save(os.path.join(out, name + ".npy"), t.detach().numpy().astype(np.float32))


if __name__ == "__main__":
    main()
