#!/usr/bin/python3
"""A small trained CNN for the sanity-check example (Example07_SanityChecks) and its test.

Run with Debian bookworm's system interpreter (python3-torch 1.13.1, python3-onnx):

    /usr/bin/python3 make_shapes_cnn.py

Task: 3 classes (filled square, filled disk, cross) of random size (8..14 px), position and colour on a
uniform-noise background, images [3,32,32] in [-1,1]. Model: Conv(3->16,3x3,p1)-ReLU-MaxPool(2)-Conv(16->32,
3x3,p1)-ReLU-MaxPool(2)-Conv(32->32,3x3,p1)-ReLU (module "features.7", the Grad-CAM layer, 8x8)-
GlobalAveragePool-Linear(32->3). Trained with Adam (lr 3e-3, 400 steps of 64 fresh images, torch.manual_seed(0));
prints the held-out accuracy. Writes, next to this script:
  shapes_cnn.onnx     input "input" [N,3,32,32], output "logits" [N,3], opset 17
  shapes_images.npy   6 held-out images [6,3,32,32] float32 (two of each class)
  shapes_labels.txt   their labels
Deterministic on one machine (torch CPU kernels); the committed files are what the tests use.
"""
import os

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE = 32


def draw(rng, label):
    img = rng.uniform(-1, 1, (3, SIZE, SIZE)) * 0.5
    s = int(rng.integers(8, 15))
    y0 = int(rng.integers(0, SIZE - s))
    x0 = int(rng.integers(0, SIZE - s))
    colour = rng.uniform(0.3, 1.0, 3)
    yy, xx = np.mgrid[0:s, 0:s]
    c = (s - 1) / 2
    if label == 0:
        mask = np.ones((s, s), bool)
    elif label == 1:
        mask = (yy - c) ** 2 + (xx - c) ** 2 <= (s / 2) ** 2
    else:
        mask = (np.abs(yy - c) <= s / 6) | (np.abs(xx - c) <= s / 6)
    for ch in range(3):
        patch = img[ch, y0:y0 + s, x0:x0 + s]
        patch[mask] = colour[ch]
    return img.astype(np.float32)


def batch(rng, n):
    labels = rng.integers(0, 3, n)
    return np.stack([draw(rng, int(l)) for l in labels]), labels


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 3)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for step in range(400):
        x, y = batch(rng, 64)
        loss = nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    x, y = batch(np.random.default_rng(1), 600)
    with torch.no_grad():
        acc = (model(torch.from_numpy(x)).argmax(1).numpy() == y).mean()
    print("held-out accuracy %.3f" % acc)
    torch.onnx.export(model, torch.zeros(1, 3, SIZE, SIZE), os.path.join(HERE, "shapes_cnn.onnx"),
                      opset_version=17, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    picks = []
    for label in range(3):
        picks += [i for i in range(len(y)) if y[i] == label][:2]
    np.save(os.path.join(HERE, "shapes_images.npy"), x[picks])
    with open(os.path.join(HERE, "shapes_labels.txt"), "w") as fh:
        fh.write(" ".join(str(int(y[i])) for i in picks) + "\n")


if __name__ == "__main__":
    main()
