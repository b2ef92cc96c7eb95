#!/usr/bin/python3
"""Reference fixture for torchvision's Faster R-CNN (issue 11): a two-stage detector exported whole (RPN with TopK and
NMS inside Ifs, RoiAlign over the FPN levels, the box head, post-processing), explained on the box head's class
scores before the last NMS.

Run with Debian bookworm's packages (python3-torch 1.13, python3-torchvision 0.14, python3-onnx 1.12):

    /usr/bin/python3 make_fasterrcnn_fixture.py [--full OUT_DIR]

The default writes next to this script a reduced fasterrcnn_mobilenet_v3_large_320_fpn built as torchvision builds it
(_fasterrcnn_mobilenet_v3_large_fpn and _mobilenet_extractor: mobilenet_v3_large features, BackboneWithFPN on the last
two stages with LastLevelMaxPool, AnchorGenerator(((32, 64, 128, 256, 512),) * 3, ((0.5, 1, 2),) * 3), FasterRCNN with
the 320 model's settings: min_size 320, max_size 640, 150 proposals before and after the RPN's NMS, RPN score
threshold 0.05), only with width_mult 0.25, 32 FPN channels instead of 256, a box head of 64 features instead of 1024
and 5 classes instead of 91: about 1 MB instead of 75 MB. --full exports torchvision's own
fasterrcnn_mobilenet_v3_large_320_fpn (weights=None, weights_backbone=None, 91 classes) into OUT_DIR instead, for
the heavy test. Convolutions are re-initialised kaiming-normal (torchvision's random initialisation of detection
heads, N(0, 0.01), gives every box the same scores), output layers scaled by 0.1, the RPN's box deltas small; weights from torch.manual_seed(11).

The model takes one image [3, H, W] (here [3, 120, 160], resized by the model to 320 x 427). The explained tensor is
the softmax of the box head's class logits, [proposals, classes], the only Softmax of the export: the boxes it scores
are the RPN's proposals, a data-dependent number of them (the RPN's score threshold and NMS decide), which gradcam
learns by running the model. Proposals are constants of the backward pass (torchvision detaches them: Faster R-CNN
does not back-propagate through its proposals). Files (all .npy little-endian float32):

  fasterrcnn.onnx             the model, opset 17
  fasterrcnn/input.npy        seeded U(0, 1) image [3, 120, 160]
  fasterrcnn/scores.npy       the box head's softmax scores [proposals, classes]
  fasterrcnn/proposals.npy    the proposals they score [proposals, 4], in the resized image's pixels (float32 torch)
  fasterrcnn/input_grad.npy   d target / d image [3, 120, 160]           (torch.autograd, float64)
  fasterrcnn/cam.npy          Grad-CAM's signed map at FPN level "0" [1, h, w]
  fasterrcnn/target.json      the explained tensor, the proposals' tensor, the selected proposal and class (the best non-background score of a
                              proposal at least 16 pixels wide and high),
                              the target's value, that proposal's box in input pixels, the layer's ONNX tensor, and
                              torch's own float32 relative error on the gradient and the map

The target is scores[proposal, class]. Proposals are computed once by the float32 model (as ONNX Runtime computes
them); the float64 reference reuses them, so that both explain the same boxes.
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models import mobilenet_v3_large
from torchvision.models.detection import faster_rcnn
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.backbone_utils import BackboneWithFPN
from torchvision.ops.feature_pyramid_network import LastLevelMaxPool

HERE = os.path.dirname(os.path.abspath(__file__))
LAYER_SCOPE = "/backbone/fpn/layer_blocks.0/"
SIZE = (120, 160)
SETTINGS = {"min_size": 320, "max_size": 640, "rpn_pre_nms_top_n_test": 150, "rpn_post_nms_top_n_test": 150,
            "rpn_score_thresh": 0.05}


def reduced(width_mult=0.25, channels=32, features=64, num_classes=5):
    features_ = mobilenet_v3_large(weights=None, norm_layer=nn.BatchNorm2d, width_mult=width_mult).features
    stages = [0] + [i for i, b in enumerate(features_) if getattr(b, "_is_cn", False)] + [len(features_) - 1]
    returned = [len(stages) - 2, len(stages) - 1]
    backbone = BackboneWithFPN(features_, {f"{stages[k]}": str(v) for v, k in enumerate(returned)},
                               [features_[stages[i]].out_channels for i in returned], channels,
                               extra_blocks=LastLevelMaxPool())
    anchors = AnchorGenerator(((32, 64, 128, 256, 512),) * 3, ((0.5, 1.0, 2.0),) * 3)
    return faster_rcnn.FasterRCNN(backbone, None, rpn_anchor_generator=anchors,
                                  box_head=faster_rcnn.TwoMLPHead(channels * 7 * 7, features),
                                  box_predictor=faster_rcnn.FastRCNNPredictor(features, num_classes), **SETTINGS)


def full():
    return faster_rcnn.fasterrcnn_mobilenet_v3_large_320_fpn(weights=None, weights_backbone=None)


def spread(model):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
                if m.bias is not None:
                    m.bias.normal_(0, 0.1)
            if isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight)
                m.bias.normal_(0, 0.1)
        # Output layers a tenth of that: objectness and class scores that differ without saturating.
        for m in (model.rpn.head.cls_logits, model.rpn.head.bbox_pred, model.roi_heads.box_predictor.cls_score,
                  model.roi_heads.box_predictor.bbox_pred):
            m.weight.mul_(0.1)
        # Small box deltas in the RPN: proposals are its best anchors, moved a little. Larger random deltas make
        # sliver boxes whose fate in the small-box filter float32 rounding decides; none leave anchors whose IoUs
        # sit exactly at the NMS threshold. Either way ONNX Runtime and torch would keep different proposals.
        model.rpn.head.bbox_pred.weight.mul_(0.02)
        model.rpn.head.bbox_pred.bias.zero_()
    return model


def calibrate(model, x):
    """Scales the class layer so that its logits on x have a standard deviation of 1: scores that differ between
    boxes without saturating the softmax (a saturated softmax leaves float32 gradients mostly rounding error)."""
    with torch.no_grad():
        images, _ = model.transform([x])
        features = model.backbone(images.tensors)
        proposals, _ = model.rpn(images, features)
        pooled = model.roi_heads.box_roi_pool(features, proposals, images.image_sizes)
        layer = model.roi_heads.box_predictor.cls_score
        logits = layer(model.roi_heads.box_head(pooled))
        layer.weight.mul_(1 / float(logits.std()))
        layer.bias.zero_()
    return model


def head_scores(model, image, proposals=None):
    """GeneralizedRCNN.forward up to the box head's class scores (RoIHeads.postprocess_detections' softmax)."""
    images, _ = model.transform([image])
    features = model.backbone(images.tensors)
    if proposals is None:
        proposals, _ = model.rpn(images, features)
    pooled = model.roi_heads.box_roi_pool(features, proposals, images.image_sizes)
    logits, _ = model.roi_heads.box_predictor(model.roi_heads.box_head(pooled))
    return F.softmax(logits, -1), proposals, features["0"], images.image_sizes[0]


def reference(model, x, proposals=None, pick=None):
    x = x.clone().requires_grad_(True)
    scores, proposals, a, size = head_scores(model, x, proposals)
    if pick is None:
        # Among proposals at least 16 pixels wide and high (random RPN weights also propose slivers).
        p = proposals[0]
        big = ((p[:, 2] - p[:, 0] >= 16) & (p[:, 3] - p[:, 1] >= 16)).to(scores.dtype)
        best = scores[:, 1:].detach() * big[:, None]
        flat = int(best.argmax())
        pick = (flat // best.shape[1], flat % best.shape[1] + 1)
    target = scores[pick[0], pick[1]]
    ga, gx = torch.autograd.grad(target, [a, x])
    cam = (ga.mean(dim=(2, 3), keepdim=True) * a).sum(1)
    ratio = torch.tensor([SIZE[1] / size[1], SIZE[0] / size[0]] * 2, dtype=x.dtype)
    box = (proposals[0][pick[0]].detach() * ratio).tolist()
    return scores.detach(), [p.detach() for p in proposals], pick, float(target), gx, cam.detach(), box


def fix_roi_align(path):
    """torchvision 0.14 exports RoiAlign without coordinate_transformation_mode at every opset; from opset 16 on the
    default is half_pixel, while its MultiScaleRoIAlign (aligned=False) computes output_half_pixel. Any runtime then
    pools shifted boxes. Written into the export here, as a user would."""
    m = onnx.load(path)
    for n in m.graph.node:
        if n.op_type == "RoiAlign" and not any(a.name == "coordinate_transformation_mode" for a in n.attribute):
            n.attribute.append(onnx.helper.make_attribute("coordinate_transformation_mode", "output_half_pixel"))
    onnx.save(m, path)


def save(path, t):
    np.save(path, t.detach().numpy().astype(np.float32))


def rel(a, b):
    return float((a.double() - b.double()).norm() / b.double().norm())


def main():
    heavy = len(sys.argv) > 2 and sys.argv[1] == "--full"
    root = sys.argv[2] if heavy else HERE
    folder = os.path.join(root, "fasterrcnn")
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(11)
    model = spread(full() if heavy else reduced()).eval()
    torch.manual_seed(0)
    x32 = torch.rand(3, *SIZE)
    calibrate(model, x32)
    path = os.path.join(root, "fasterrcnn.onnx")
    torch.onnx.export(model, ([x32],), path, opset_version=17, input_names=["image"],
                      output_names=["boxes", "scores", "labels"], do_constant_folding=True)
    fix_roi_align(path)
    nodes = onnx.load(path).graph.node
    layer = [n for n in nodes if n.name.startswith(LAYER_SCOPE)][-1].output[0]
    softmax = [n.output[0] for n in nodes if n.op_type == "Softmax"]
    # MultiScaleRoIAlign's first Concat joins the images' proposals: the boxes the box head scores, [proposals, 4].
    boxes = [n.output[0] for n in nodes if n.name.startswith("/roi_heads/box_roi_pool/") and n.op_type == "Concat"][0]
    assert len(softmax) == 1, softmax
    save(os.path.join(folder, "input.npy"), x32)
    _, proposals, pick, _, gx32, cam32, _ = reference(model, x32)
    m64 = model.double()
    scores, _, _, value, gx, cam, box = reference(m64, x32.double(), [p.double() for p in proposals], pick)
    save(os.path.join(folder, "scores.npy"), scores)
    save(os.path.join(folder, "proposals.npy"), proposals[0])
    save(os.path.join(folder, "input_grad.npy"), gx)
    save(os.path.join(folder, "cam.npy"), cam)
    info = {"output": softmax[0], "proposals_tensor": boxes, "proposal": pick[0], "class": pick[1], "score": value,
            "box": [round(v, 3) for v in box], "layer": "backbone.fpn.layer_blocks.0", "onnx_tensor": layer,
            "proposals": int(scores.shape[0]),
            "float32_error": {"input_grad": rel(gx32, gx), "cam": rel(cam32, cam)}}
    with open(os.path.join(folder, "target.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
