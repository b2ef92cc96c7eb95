#!/usr/bin/python3
"""torch.autograd Grad-CAM reference for the torchvision transformers of make_transformers.py (issue 10).

    /usr/bin/python3 gradcam-onnx/runtime/bench/transformer_reference.py NAME MODULE OUT_DIR

Rebuilds NAME (vit_b_16, swin_t or convnext_tiny) with make_transformers.py's seeds, in float64, and writes to
OUT_DIR: input.npy (float32 [2, 3, 224, 224], seed 0), grad-cam.npy (float32 [2, h, w]): the raw Grad-CAM map
(before ReLU) at MODULE for each image's top class, with MODULE's output reshaped as pytorch-grad-cam's
reshape_transform does (ViT: drop the class token, [N, 14, 14, C] -> [N, C, 14, 14]; Swin and ConvNeXt blocks:
[N, h, w, C] -> [N, C, h, w]), and classes.txt (the explained classes).
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import make_transformers  # noqa: E402


def main():
    name, module, out = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    model = make_transformers.build(name).double()
    torch.manual_seed(0)
    x32 = torch.randn(2, 3, 224, 224)
    store = {}

    def hook(m, i, o):
        o.retain_grad()
        store["out"] = o

    dict(model.named_modules())[module].register_forward_hook(hook)
    logits = model(x32.double())
    classes = logits.argmax(1)
    sum(logits[i, c] for i, c in enumerate(classes)).backward()
    a, g = store["out"].detach(), store["out"].grad
    if a.dim() == 3:
        side = int(round((a.shape[1] - 1) ** 0.5))
        a, g = [t[:, 1:, :].reshape(t.shape[0], side, side, t.shape[2]).permute(0, 3, 1, 2) for t in (a, g)]
    else:
        a, g = a.permute(0, 3, 1, 2), g.permute(0, 3, 1, 2)
    cam = (g.mean((2, 3), keepdim=True) * a).sum(1)
    np.save(os.path.join(out, "input.npy"), x32.numpy())
    np.save(os.path.join(out, "grad-cam.npy"), cam.numpy().astype(np.float32))
    with open(os.path.join(out, "classes.txt"), "w") as f:
        f.write(" ".join(str(int(c)) for c in classes) + "\n")
    print("wrote", out, "classes", classes.tolist(), "map", tuple(cam.shape))


if __name__ == "__main__":
    main()
