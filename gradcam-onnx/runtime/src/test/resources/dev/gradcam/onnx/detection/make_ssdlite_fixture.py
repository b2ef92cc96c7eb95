#!/usr/bin/python3
"""Reference fixture for torchvision's SSDlite (issue 11): a detector with its post-processing (score threshold, TopK,
NMS inside an If) exported whole, explained on its pre-NMS class scores.

Run with Debian bookworm's packages (python3-torch 1.13, python3-torchvision 0.14, python3-onnx 1.12):

    /usr/bin/python3 make_ssdlite_fixture.py [--full OUT_DIR]

The default writes next to this script a reduced-width SSDlite320-MobileNetV3-Large built exactly as torchvision's
ssdlite320_mobilenet_v3_large builds it (mobilenet_v3_large backbone with reduced tail and _normal_init,
SSDLiteFeatureExtractorMobileNet, DefaultBoxGenerator([[2, 3]] * 6, 0.2, 0.95), SSDLiteHead, SSD with the same
defaults), only with width_mult 0.25 on the backbone and its extra layers and 5 classes instead of 91: about 1 MB
instead of 14 MB, the same operators and post-processing. --full exports torchvision's own
ssdlite320_mobilenet_v3_large (weights=None, weights_backbone=None, 91 classes) into OUT_DIR instead, for the heavy
test. Weights from torch.manual_seed(11).

The model takes one image [3, H, W] without a batch axis, as torchvision's detectors do; the input here is [3, 160,
240], which the model's own transform resizes (bilinear) to 320 x 320 and normalises. Outputs are the post-NMS boxes,
scores and labels, which are not differentiable with respect to the choice of boxes; the explained tensor is the
softmax of the head's class logits before the score threshold and NMS, [1, anchors, classes], found in the export as
the only Softmax node's output. Files (all .npy little-endian float32):

  ssdlite.onnx            the model, opset 17
  ssdlite/input.npy       seeded U(0, 1) image [3, 160, 240]
  ssdlite/scores.npy      the softmax scores [1, anchors, classes]
  ssdlite/input_grad.npy  d target / d image [3, 160, 240]                 (torch.autograd, float64)
  ssdlite/cam.npy         Grad-CAM's signed map at module LAYER [1, h, w]: sum_k mean_hw(d target / d A_k) * A_k
  ssdlite/target.json     the explained tensor, the selected anchor and class (the best non-background score), the
                          target's value, that anchor's decoded box in input pixels, LAYER and its ONNX tensor, and
                          torch's own float32 relative error on the gradient and the map against these references

The target is the selected box's score of its class, scores[0, anchor, class]. References are computed in float64
(weights and input widened) through the model's own modules (transform, backbone, head), as SSD.forward does before
post-processing.
"""
import json
import os
import sys
from functools import partial

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models import mobilenet_v3_large
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection import ssd, ssdlite
from torchvision.models.detection.anchor_utils import DefaultBoxGenerator

HERE = os.path.dirname(os.path.abspath(__file__))
LAYER = "backbone.features.0"
LAYER_SCOPE = "/backbone/features.0/"
SIZE = (160, 240)


def reduced(width_mult=0.25, num_classes=5):
    """torchvision's ssdlite320_mobilenet_v3_large builder, with width_mult reaching the backbone and extra layers."""
    norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.03)
    backbone = mobilenet_v3_large(weights=None, norm_layer=norm_layer, reduced_tail=True, width_mult=width_mult)
    ssdlite._normal_init(backbone)
    features = backbone.features
    stages = [0] + [i for i, b in enumerate(features) if getattr(b, "_is_cn", False)] + [len(features) - 1]
    extractor = ssdlite.SSDLiteFeatureExtractorMobileNet(features, stages[-2], norm_layer, width_mult=width_mult)
    anchors = DefaultBoxGenerator([[2, 3] for _ in range(6)], min_ratio=0.2, max_ratio=0.95)
    out_channels = det_utils.retrieve_out_channels(extractor, (320, 320))
    head = ssdlite.SSDLiteHead(out_channels, anchors.num_anchors_per_location(), num_classes, norm_layer)
    return ssd.SSD(extractor, anchors, (320, 320), num_classes, head=head, score_thresh=0.001, nms_thresh=0.55,
                   detections_per_img=300, topk_candidates=300, image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5])


def spread(model):
    """torchvision initialises SSDlite without pretrained weights with N(0, 0.03) convolutions and zero biases
    (_normal_init): activations fade through the backbone and every box gets the same class scores, with gradients of
    1e-12. Kaiming-normal convolutions (fan in) keep activations of unit scale; head weights a third of that and
    N(0, 0.5) head biases give scores that differ between boxes without saturating the softmax."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
                if m.bias is not None:
                    m.bias.normal_(0, 0.5)
        for m in model.head.modules():
            if isinstance(m, nn.Conv2d):
                m.weight.mul_(0.3)
    return model


def full():
    return ssdlite.ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None)


def head_scores(model, image, taps):
    """SSD.forward up to the class scores: transform, backbone, head, softmax over classes."""
    images, _ = model.transform([image])
    features = list(model.backbone(images.tensors).values())
    taps["layer"] = features[0]  # backbone.features.0, the first feature map the head reads
    out = model.head(features)
    anchors = model.anchor_generator(images, features)
    return F.softmax(out["cls_logits"], dim=-1), out["bbox_regression"], anchors, images.image_sizes


def reference(model, x, pick=None):
    """Scores, the pick (anchor, class), target value, input gradient, Grad-CAM map and decoded box, in x's dtype."""
    x = x.clone().requires_grad_(True)
    taps = {}
    scores, regression, anchors, sizes = head_scores(model, x, taps)
    if pick is None:
        best = scores[0, :, 1:].detach()
        flat = int(best.argmax())
        pick = (flat // best.shape[1], flat % best.shape[1] + 1)
    target = scores[0, pick[0], pick[1]]
    a = taps["layer"]
    ga, gx = torch.autograd.grad(target, [a, x])
    cam = (ga.mean(dim=(2, 3), keepdim=True) * a).sum(1)
    with torch.no_grad():
        boxes = model.box_coder.decode_single(regression[0], anchors[0])
        boxes = ssd.box_ops.clip_boxes_to_image(boxes, sizes[0])
        # Back to input pixels, as SSD.transform.postprocess does.
        ratio = torch.tensor([SIZE[1] / sizes[0][1], SIZE[0] / sizes[0][0]] * 2, dtype=boxes.dtype)
        box = (boxes[pick[0]] * ratio).tolist()
    return scores.detach(), pick, float(target), gx, cam.detach(), box


def onnx_tensor(path, scope):
    """The output of the last node in a module's scope, and the Softmax's output."""
    nodes = onnx.load(path).graph.node
    layer = [n for n in nodes if n.name.startswith(scope)][-1].output[0]
    softmax = [n for n in nodes if n.op_type == "Softmax"]
    assert len(softmax) == 1, "expected one Softmax (the class scores)"
    return layer, softmax[0].output[0]


def save(path, t):
    np.save(path, t.detach().numpy().astype(np.float32))


def rel(a, b):
    a, b = a.double(), b.double()
    return float((a - b).norm() / b.norm())


def main():
    heavy = len(sys.argv) > 2 and sys.argv[1] == "--full"
    root = sys.argv[2] if heavy else HERE
    folder = os.path.join(root, "ssdlite")
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(11)
    model = spread(full() if heavy else reduced()).eval()
    torch.manual_seed(0)
    x32 = torch.rand(3, *SIZE)
    path = os.path.join(root, "ssdlite.onnx")
    torch.onnx.export(model, ([x32],), path, opset_version=17, input_names=["image"],
                      output_names=["boxes", "scores", "labels"], do_constant_folding=True)
    layer, softmax = onnx_tensor(path, LAYER_SCOPE)
    save(os.path.join(folder, "input.npy"), x32)
    scores32, pick, _, gx32, cam32, _ = reference(model, x32)
    m64 = model.double()
    scores, pick64, value, gx, cam, box = reference(m64, x32.double(), pick)
    save(os.path.join(folder, "scores.npy"), scores)
    save(os.path.join(folder, "input_grad.npy"), gx)
    save(os.path.join(folder, "cam.npy"), cam)
    info = {"output": softmax, "anchor": pick[0], "class": pick[1], "score": value,
            "box": [round(v, 3) for v in box], "layer": LAYER, "onnx_tensor": layer,
            "float32_error": {"input_grad": rel(gx32, gx), "cam": rel(cam32, cam)}}
    with open(os.path.join(folder, "target.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
