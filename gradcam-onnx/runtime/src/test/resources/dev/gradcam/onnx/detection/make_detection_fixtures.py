#!/usr/bin/python3
"""Reference fixtures for detection targets on YOLO-style models (issue 11).

Run with Debian bookworm's packages (python3-torch 1.13, python3-torchvision 0.14, python3-onnx 1.12):

    /usr/bin/python3 make_detection_fixtures.py

Two tiny YOLO-style detectors share one backbone (weights from torch.manual_seed(11), BatchNorm running stats and
affine parameters random, kept in the graph by exporting with training=TrainingMode.PRESERVE in eval mode):

  stem   ConvBnSiLU 3->8, 3x3/2        [N, 8, 32, 32]
  stage1 ConvBnSiLU 8->16, 3x3/2       [N, 16, 16, 16]  (P3, stride 4)
  stage2 ConvBnSiLU 16->32, 3x3/2      [N, 32, 8, 8]    (P4, stride 8)
  up     Upsample x2 nearest (Resize)  [N, 32, 16, 16]
  neck   ConvBnSiLU 48->16 on Concat(up, P3)            [N, 16, 16, 16]
  heads  1x1 convs on neck (stride 4) and stage2 (stride 8), decoded inside the graph:

  yolov5.onnx  output "detections" [N, 640, 9]: 2 anchors per cell, 16*16*2 + 8*8*2 = 640 boxes, each
               (cx, cy, w, h, objectness, 4 class probabilities); xy = (sigmoid(t) + cell) * stride,
               wh = exp(t) * anchor, the rest sigmoid(t).
  yolov8.onnx  output "detections" [N, 8, 320]: anchor-free, one box per cell (16*16 + 8*8 = 320), rows
               (cx, cy, w, h, 4 class scores); xy = (sigmoid(t) + cell) * stride, wh = exp(t) * 4 * stride,
               scores sigmoid(t).

Inputs are [N, 3, 64, 64] with a dynamic batch axis; reshapes use -1 for the batch so the graphs have no shape
subgraphs. Written next to this script (all .npy little-endian float32):

  input.npy                  seeded N(0, 1) input [2, 3, 64, 64]
  ARCH/output.npy            the model output for input.npy
  ARCH/TARGET.score.npy      the target's value per image [2]
  ARCH/TARGET.input_grad.npy d target / d input [2, 3, 64, 64]   (torch.autograd)
  ARCH/TARGET.cam__neck.npy  Grad-CAM's signed map at module "neck" [2, 16, 16]:
                             sum_k mean_hw(d target / d A_k) * A_k
  ARCH/targets.json          each target's definition per image, read by the Java test

Targets, per image (image 0, image 1):
  det   "class c at box b" (DetectionLayout.detection): yolov5 objectness * p_c, yolov8 p_c.
  box   pytorch-grad-cam's FasterRCNNBoxScoreTarget semantics, written here from its definition: for each
        reference box, the predicted box of largest torchvision.ops.box_iou (first on ties) adds iou + score
        (objectness * p_label for yolov5, p_label for yolov8) if iou > threshold and its label (argmax class)
        equals the reference label. References are predicted boxes of the model itself, shifted by a pixel or
        two so that the IoU term has a gradient; the script checks every reference matches.

References are computed in float64 (the model's float32 weights widened, the float32 input widened) and rounded
to float32. Rerunning rewrites identical bytes.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
CLASSES = 4


class ConvBnSiLU(nn.Module):
    def __init__(self, i, o, k, s):
        super().__init__()
        self.conv = nn.Conv2d(i, o, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(o)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class TinyYolo(nn.Module):
    def __init__(self, v8):
        super().__init__()
        self.v8 = v8
        self.na = 1 if v8 else 2
        self.attrs = 4 + CLASSES if v8 else 5 + CLASSES
        self.stem = ConvBnSiLU(3, 8, 3, 2)
        self.stage1 = ConvBnSiLU(8, 16, 3, 2)
        self.stage2 = ConvBnSiLU(16, 32, 3, 2)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.neck = ConvBnSiLU(48, 16, 3, 1)
        self.head3 = nn.Conv2d(16, self.na * self.attrs, 1)
        self.head4 = nn.Conv2d(32, self.na * self.attrs, 1)
        anchors = [[[6.0, 8.0], [12.0, 10.0]], [[16.0, 20.0], [28.0, 24.0]]]
        for level, (size, stride) in enumerate([(16, 4), (8, 8)]):
            ys, xs = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
            grid = torch.stack([xs, ys], -1).float()  # [H, W, 2]
            self.register_buffer("grid%d" % level, grid)
            if v8:
                wh = torch.full((1, 1, 1, 2), 4.0 * stride)
            else:
                wh = torch.tensor(anchors[level]).view(2, 1, 1, 2)
            self.register_buffer("anchor%d" % level, wh)
        self.strides = [4, 8]

    def decode(self, raw, level):
        # Python ints, not raw.shape: the traced graph then has constant reshapes and no Shape subgraphs.
        size = 64 // self.strides[level]
        stride = self.strides[level]
        grid = getattr(self, "grid%d" % level)
        anchor = getattr(self, "anchor%d" % level)
        t = raw.view(-1, self.na, self.attrs, size, size).permute(0, 1, 3, 4, 2)  # [N, na, H, W, attrs]
        xy = (torch.sigmoid(t[..., 0:2]) + grid) * stride
        wh = torch.exp(t[..., 2:4]) * anchor
        rest = torch.sigmoid(t[..., 4:])
        out = torch.cat([xy, wh, rest], -1).reshape(-1, self.na * size * size, self.attrs)
        return out

    def forward(self, x):
        p3 = self.stage1(self.stem(x))
        p4 = self.stage2(p3)
        n3 = self.neck(torch.cat([self.up(p4), p3], 1))
        out = torch.cat([self.decode(self.head3(n3), 0), self.decode(self.head4(p4), 1)], 1)
        return out.permute(0, 2, 1) if self.v8 else out


def build(v8):
    torch.manual_seed(11)
    m = TinyYolo(v8)
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, nn.Conv2d):
                nn.init.kaiming_normal_(mod.weight)
                if mod.bias is not None:
                    mod.bias.normal_(0, 0.3)
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.normal_(0, 0.2)
                mod.running_var.uniform_(0.5, 1.5)
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.normal_(0, 0.2)
        for head in (m.head3, m.head4):
            head.weight.mul_(0.3)
    return m.eval()


def score_of(out, v8, i, c):
    """Score of class c at box i of one image's output."""
    if v8:
        return out[4 + c, i]
    return out[i, 4] * out[i, 5 + c]


def boxes_of(out, v8):
    rows = out.t() if v8 else out
    cx, cy, w, h = rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3]
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)


def labels_of(out, v8):
    rows = out.t() if v8 else out
    return rows[:, (4 if v8 else 5):].argmax(1)


def box_score(out, v8, refs):
    """FasterRCNNBoxScoreTarget's definition on one image's raw output."""
    boxes = boxes_of(out, v8)
    labels = labels_of(out, v8)
    total = out.new_zeros(())
    matched = 0
    for r in refs:
        ious = torchvision.ops.box_iou(torch.tensor([r["box"]], dtype=out.dtype), boxes)
        k = int(ious.argmax())
        if ious[0, k] > r["iou"] and int(labels[k]) == r["label"]:
            total = total + ious[0, k] + score_of(out, v8, k, r["label"])
            matched += 1
    return total, matched


def references(out, v8, picks):
    """Reference boxes near predicted boxes `picks` of one image, with their labels."""
    boxes = boxes_of(out, v8)
    labels = labels_of(out, v8)
    refs = []
    for j, k in enumerate(picks):
        b = boxes[k].tolist()
        shift = [1.25, -0.75, 0.5, 1.5] if j % 2 == 0 else [-0.5, 1.0, -1.25, 0.25]
        refs.append({"box": [round(b[q] + shift[q], 2) for q in range(4)], "label": int(labels[k]), "iou": 0.5})
    return refs


def grad_cam(model, x, fn):
    acts = {}
    handle = model.neck.register_forward_hook(lambda m, i, o: acts.__setitem__("neck", o))
    x = x.clone().requires_grad_(True)
    out = model(x)
    scores = torch.stack([fn(out[n], n) for n in range(out.shape[0])])
    a = acts["neck"]
    ga, gx = torch.autograd.grad(scores.sum(), [a, x])
    handle.remove()
    w = ga.mean(dim=(2, 3), keepdim=True)
    cam = (w * a).sum(1)
    return scores.detach(), gx, cam.detach()


def save(path, t):
    np.save(path, t.detach().numpy().astype(np.float32))


def main():
    torch.manual_seed(0)
    x32 = torch.randn(2, 3, 64, 64)
    save(os.path.join(HERE, "input.npy"), x32)
    for arch, v8 in (("yolov5", False), ("yolov8", True)):
        model = build(v8)
        folder = os.path.join(HERE, arch)
        os.makedirs(folder, exist_ok=True)
        torch.onnx.export(model, x32, os.path.join(HERE, arch + ".onnx"), opset_version=17,
                          input_names=["images"], output_names=["detections"],
                          dynamic_axes={"images": {0: "N"}, "detections": {0: "N"}},
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True)
        m64 = build(v8).double()
        x = x32.double()
        with torch.no_grad():
            out = m64(x)
        save(os.path.join(folder, "output.npy"), out)
        det = [{"box": 17, "class": 3}, {"box": 300, "class": 1}]
        # Confident boxes make natural references: the two best of image 0, the best of image 1.
        conf = [torch.stack([score_of(out[n], v8, i, int(labels_of(out[n], v8)[i]))
                             for i in range(out.shape[2] if v8 else out.shape[1])]) for n in range(2)]
        picks = [conf[0].topk(2).indices.tolist(), conf[1].topk(1).indices.tolist()]
        refs = [references(out[n], v8, picks[n]) for n in range(2)]
        for n in range(2):
            _, matched = box_score(out[n], v8, refs[n])
            assert matched == len(refs[n]), (arch, n, matched)
        targets = {
            "det": lambda o, n: score_of(o, v8, det[n]["box"], det[n]["class"]),
            "box": lambda o, n: box_score(o, v8, refs[n])[0],
        }
        for name, fn in targets.items():
            scores, gx, cam = grad_cam(m64, x, fn)
            save(os.path.join(folder, name + ".score.npy"), scores)
            save(os.path.join(folder, name + ".input_grad.npy"), gx)
            save(os.path.join(folder, name + ".cam__neck.npy"), cam)
        with open(os.path.join(folder, "targets.json"), "w") as f:
            json.dump({"layout": arch, "det": det, "box": refs}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
