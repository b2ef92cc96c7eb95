#!/usr/bin/python3
"""A tiny vision transformer trained on generated shapes, for Example08_VitShapes and its test (issue 10).

Run with Debian bookworm's system interpreter (python3-torch 1.13.1, python3-onnx; CPU, about a minute):

    /usr/bin/python3 make_shapes_vit.py

Task: the shapes of gradcam-nd4j's ShapesDataset (dev.gradcam.nd4j.demo), redrawn here with numpy's generator:
one grey channel, 32x32, noise N(0, 0.1); one bright object (brightness U(0.8, 1) + N(0, 0.05)) of side 8..12 px at
a uniform position; classes 0 filled square, 1 hollow square (a frame 2 px wide), 2 plus sign (arms a third of the
side wide). The only evidence for the class is the object, so a map that explains the model must peak on it.

Model (ViT, Dosovitskiy et al. 2021, scaled down): 4x4 patches (8x8 grid) embedded to 32 dims, a class token,
learned position embeddings, 2 pre-norm blocks (LayerNorm, 4-head self-attention with an explicit Softmax so the
export keeps the attention probabilities, LayerNorm, GELU MLP 32-64-32), a final LayerNorm. Module names as
torchvision's. Trained with token labelling (Jiang et al. 2021, "All Tokens Matter", the LV-ViT recipe): besides the
linear head on the class token, an auxiliary linear head scores every patch token, the logits are the class token's
plus half the mean of the patch tokens' scores, and the loss adds each patch's cross-entropy against a dense label
(the image's class where the patch holds object pixels, a fourth "no object" output elsewhere; the export's logits
keep the three classes). Without it Grad-CAM's averaged weights meet patch features that training never
constrains, and it points at the object in about 70 % of the images (shapes_vit_variants.py --tokens 0;
docs/transformers.md). The Grad-CAM layer is "norm" (tokens [N, 1 + 64, 32]), which both heads read.
Trained with AdamW (lr 2e-3, 100 warm-up steps, cosine decay, 1500 steps of 64 images drawn from a pool of 12000,
torch.manual_seed(0)); prints the
held-out accuracy and the pointing game of attention rollout on held-out images drawn here (the Java test measures
its own on ShapesDataset's images). Writes shapes_vit.onnx next to this script: input "input" [N, 1, 32, 32],
output "logits" [N, 3], opset 17, dynamic batch. Deterministic on one machine (torch CPU kernels).
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE, PATCH, DIM, HEADS, DEPTH, CLASSES = 32, 4, 32, 4, 2, 3
GRID = SIZE // PATCH
STEPS, BATCH, POOL = 1500, 64, 12000
TOKEN_LOSS = 1.0  # weight of the token-labelling loss


def draw(rng, label):
    img = rng.normal(0, 0.1, (SIZE, SIZE))
    side = SIZE // 4 + int(rng.integers(0, SIZE // 8 + 1))
    x0 = int(rng.integers(0, SIZE - side + 1))
    y0 = int(rng.integers(0, SIZE - side + 1))
    yy, xx = np.mgrid[0:side, 0:side]
    c = (side - 1) / 2
    if label == 0:
        mask = np.ones((side, side), bool)
    elif label == 1:
        mask = (xx < 2) | (yy < 2) | (xx >= side - 2) | (yy >= side - 2)
    else:
        mask = (np.abs(xx - c) <= side / 6) | (np.abs(yy - c) <= side / 6)
    brightness = rng.uniform(0.8, 1.0)
    patch = img[y0:y0 + side, x0:x0 + side]
    patch[mask] = brightness + rng.normal(0, 0.05, int(mask.sum()))
    return img.astype(np.float32)[None], (y0, x0, y0 + side - 1, x0 + side - 1)


def batch(rng, n):
    labels = rng.integers(0, CLASSES, n)
    drawn = [draw(rng, int(l)) for l in labels]
    return np.stack([d[0] for d in drawn]), labels, [d[1] for d in drawn]


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(DIM, 3 * DIM)
        self.proj = nn.Linear(DIM, DIM)
        self.attn = None

    def forward(self, x):
        b, t, c = x.shape
        qkv = self.qkv(x).reshape(b, t, 3, HEADS, c // HEADS).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * (c // HEADS) ** -0.5).softmax(dim=-1)
        self.attn = attn
        return self.proj((attn @ v).transpose(1, 2).reshape(b, t, c))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(DIM)
        self.attn = Attention()
        self.norm2 = nn.LayerNorm(DIM)
        self.mlp = nn.Sequential(nn.Linear(DIM, 2 * DIM), nn.GELU(), nn.Linear(2 * DIM, DIM))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ShapesVit(nn.Module):
    def __init__(self, token_labels=True):
        super().__init__()
        self.patch = nn.Conv2d(1, DIM, PATCH, PATCH)
        self.cls = nn.Parameter(torch.zeros(1, 1, DIM))
        self.pos = nn.Parameter(torch.randn(1, 1 + GRID * GRID, DIM) * 0.02)
        self.blocks = nn.Sequential(*[Block() for _ in range(DEPTH)])
        self.norm = nn.LayerNorm(DIM)
        self.head = nn.Linear(DIM, CLASSES)
        self.aux = nn.Linear(DIM, CLASSES + 1) if token_labels else None  # the last output: "no object here"

    def forward(self, x):
        return self.heads(self.tokens(x))[0]

    def tokens(self, x):
        """The final LayerNorm's output, [N, 1 + 64, DIM]: the class token, then the patch tokens."""
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        return self.norm(self.blocks(x))

    def heads(self, tokens):
        """(logits [N, CLASSES], the patch tokens' scores [N, 64, CLASSES + 1] or None without token labelling)."""
        if self.aux is None:
            return self.head(tokens[:, 0]), None
        scores = self.aux(tokens[:, 1:])
        return self.head(tokens[:, 0]) + 0.5 * scores[..., :CLASSES].mean(1), scores

    def loss(self, x, y):
        logits, scores = self.heads(self.tokens(x))
        loss = nn.functional.cross_entropy(logits, y)
        if scores is None:
            return loss
        dense = patch_labels(x, y)
        return loss + TOKEN_LOSS * nn.functional.cross_entropy(scores.reshape(-1, scores.shape[-1]),
                                                               dense.reshape(-1))


def patch_labels(images, labels):
    """Token labelling's dense targets: a patch holding any object pixel (brighter than 0.5: the noise is
    N(0, 0.1), the object at least 0.8 less 4 of its sigmas) takes the image's class, the others "no object"
    (the auxiliary head's last output; an image without an object, label CLASSES, gives that everywhere)."""
    n = images.shape[0]
    obj = (images[:, 0] > 0.5).reshape(n, GRID, PATCH, GRID, PATCH).any(4).any(2).reshape(n, -1)
    background = torch.full(obj.shape, CLASSES, dtype=torch.long)
    return torch.where(obj, labels[:, None].expand(-1, GRID * GRID), background)


def rollout_pointing(model, x, boxes):
    """Attention rollout (mean over heads, B = (A + I) / 2 renormalised) pointing game on the 8x8 grid."""
    with torch.no_grad():
        model(x)
    t = 1 + GRID * GRID
    r = torch.eye(t).expand(x.shape[0], t, t)
    for blk in model.blocks:
        b = blk.attn.attn.mean(1) + torch.eye(t)
        r = (b / b.sum(-1, keepdim=True)) @ r
    maps = r[:, 0, 1:].reshape(-1, GRID, GRID).numpy()
    hits = 0
    for m, (y0, x0, y1, x1) in zip(maps, boxes):
        py, px = np.unravel_index(np.argmax(m), m.shape)
        cy, cx = py * PATCH + PATCH / 2, px * PATCH + PATCH / 2  # the peak cell's centre, in pixels
        hits += y0 - PATCH / 2 <= cy <= y1 + PATCH / 2 and x0 - PATCH / 2 <= cx <= x1 + PATCH / 2
    return hits / len(boxes)


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    model = ShapesVit()
    steps, warmup = STEPS, 100
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.05)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1, (s + 1) / warmup)
                                              * 0.5 * (1 + math.cos(math.pi * s / steps)))
    pool_x, pool_y, _ = batch(rng, POOL)
    pool_x, pool_y = torch.from_numpy(pool_x), torch.from_numpy(pool_y)
    for step in range(steps):
        idx = torch.randint(0, POOL, (BATCH,))
        loss = model.loss(pool_x[idx], pool_y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0:
            print("step %d loss %.4f" % (step, loss.item()), flush=True)
    model.eval()
    x, y, boxes = batch(np.random.default_rng(1), 600)
    with torch.no_grad():
        acc = (model(torch.from_numpy(x)).argmax(1).numpy() == y).mean()
    print("held-out accuracy %.3f, attention-rollout pointing game %.3f"
          % (acc, rollout_pointing(model, torch.from_numpy(x), boxes)))
    torch.onnx.export(model, torch.zeros(1, 1, SIZE, SIZE), os.path.join(HERE, "shapes_vit.onnx"),
                      opset_version=17, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})


if __name__ == "__main__":
    main()
