#!/usr/bin/python3
"""A tiny segmentation net and torch.autograd references for the command line's region targets (issue 11).

    /usr/bin/python3 make_tiny_segmenter.py     (Debian's python3-torch 1.13; deterministic)

tiny_segmenter.onnx: input "input" [N, 3, 32, 32]; ConvBnReLU 3->8 stride 2 ("features"), ConvBnReLU 8->8, a 1x1
conv to 4 classes, bilinear upsampling x2 (align_corners=False) -> output "out" [N, 4, 32, 32]. Random weights
(torch.manual_seed(5)), BatchNorm kept. Also written:
  tiny_segmenter_input.npy      one seeded N(0, 1) image [1, 3, 32, 32]
  tiny_segmenter_mask.png       a white ellipse on black, 32 x 32 (a hand-drawn mask)
  tiny_segmenter_predicted.npy  Grad-CAM's signed map at "features" [1, 16, 16] for SemanticSegmentationTarget(CLASS,
                                pixels predicted as CLASS), CLASS = the class predicted on most pixels
  tiny_segmenter_png.npy        the same for the mask of tiny_segmenter_mask.png
  tiny_segmenter.txt            CLASS
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def block(i, o, s):
    return nn.Sequential(nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU())


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = block(3, 8, 2)
        self.mid = block(8, 8, 1)
        self.classifier = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        return F.interpolate(self.classifier(self.mid(self.features(x))), scale_factor=2.0, mode="bilinear",
                             align_corners=False)


def build():
    torch.manual_seed(5)
    m = Tiny()
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.normal_(0, 0.2)
                mod.running_var.uniform_(0.5, 1.5)
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.normal_(0, 0.2)
    return m.eval()


def cam_for(m, x, cls, mask):
    acts = {}
    h = m.features.register_forward_hook(lambda mod, i, o: acts.__setitem__("a", o))
    out = m(x)
    ga, = torch.autograd.grad((out[0, cls] * mask).sum(), [acts["a"]])
    h.remove()
    return (ga.mean((2, 3), keepdim=True) * acts["a"]).sum(1)


def main():
    torch.manual_seed(6)
    x32 = torch.randn(1, 3, 32, 32)
    torch.onnx.export(build(), x32, os.path.join(HERE, "tiny_segmenter.onnx"), opset_version=17,
                      input_names=["input"], output_names=["out"],
                      dynamic_axes={"input": {0: "N"}, "out": {0: "N"}},
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True)
    np.save(os.path.join(HERE, "tiny_segmenter_input.npy"), x32.numpy())
    m = build().double()
    x = x32.double()
    with torch.no_grad():
        pred = m(x)[0].argmax(0)
    cls = int(torch.bincount(pred.flatten(), minlength=4).argmax())
    ys, xs = np.mgrid[0:32, 0:32]
    ellipse = (((xs - 20) / 8.0) ** 2 + ((ys - 12) / 6.0) ** 2 <= 1).astype(np.uint8) * 255
    Image.fromarray(ellipse, mode="L").save(os.path.join(HERE, "tiny_segmenter_mask.png"))
    for name, mask in (("predicted", (pred == cls).double()), ("png", torch.from_numpy(ellipse / 255.0))):
        np.save(os.path.join(HERE, "tiny_segmenter_%s.npy" % name),
                cam_for(m, x, cls, mask).detach().numpy().astype(np.float32))
    with open(os.path.join(HERE, "tiny_segmenter.txt"), "w") as f:
        f.write("%d\n" % cls)


if __name__ == "__main__":
    main()
