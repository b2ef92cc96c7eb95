#!/usr/bin/python3
"""Why Grad-CAM on the shapes ViT needs token labelling: trains variants of make_shapes_vit.py's model and scores
Grad-CAM, HiResCAM and both rollouts by the pointing game at several layers (docs/transformers.md has the figures).

    /usr/bin/python3 shapes_vit_variants.py                       # the committed shapes_vit.onnx, no training
    /usr/bin/python3 shapes_vit_variants.py --train --tokens 0 --pool avg    # a variant (about 5 CPU minutes)

Held-out images: the 60 that Example08_VitShapes explains (gradcam-nd4j's ShapesDataset, seed 2026, drawn here by a
port of java.util.Random, so the figures are the Java test's up to the upsampling of the maps) and 300 more (seed
7). Grad-CAM and HiResCAM as pytorch-grad-cam computes them (weights = gradient averaged over the grid tokens;
HiResCAM = gradient times activation per token), at tokens 1+8x8 with the class token left out, bilinear to
32x32, peak within 2 px of the box (Localisation.pointingGame).

Variants (flags combine): --tokens W (token labelling's loss weight, by default make_shapes_vit.py's; 0 trains
the class-token head alone, the model whose Grad-CAM misses one image in four), --pool avg|both (global-average-pool head over the grid tokens, or the mean of a class-token
head and an average-pool head), --depth, --nopos (no position embeddings), --droppath P (stochastic depth),
--empty P (a fourth class: P of the training images hold no object), --stem conv (a convolutional stem, Xiao et al.
2021: two stride-2 3x3 convolutions with ReLU and a 1x1 projection, instead of the 4x4 patch embedding), --wd.
"""
import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_shapes_vit as M  # noqa: E402


class JavaRandom:
    """java.util.Random: the 48-bit linear congruential generator, nextInt, nextDouble, nextGaussian."""

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1)
        self.spare = None

    def next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
        r = self.seed >> (48 - bits)
        return r - (1 << 32) if r >= 1 << 31 else r

    def next_int(self, bound):
        if bound & -bound == bound:
            return (bound * self.next(31)) >> 31
        while True:
            bits = self.next(31)
            val = bits % bound
            if bits - val + bound - 1 < 1 << 31:
                return val

    def next_double(self):
        return ((self.next(26) << 27) + self.next(27)) / float(1 << 53)

    def next_gaussian(self):
        if self.spare is not None:
            g, self.spare = self.spare, None
            return g
        while True:
            v1, v2 = 2 * self.next_double() - 1, 2 * self.next_double() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                break
        m = math.sqrt(-2 * math.log(s) / s)
        self.spare = v2 * m
        return v1 * m


def shapes_dataset(count, seed, size=32):
    """ShapesDataset.generate(count, size, seed) of gradcam-nd4j's tests, value for value."""
    r = JavaRandom(seed)
    px = np.zeros((count, size, size), np.float32)
    labels, boxes = [], []
    for i in range(count):
        kind = i % 3
        side = size // 4 + r.next_int(size // 8 + 1)
        x0, y0 = r.next_int(size - side + 1), r.next_int(size - side + 1)
        for p in range(size * size):
            px[i].flat[p] = np.float32(0.1 * r.next_gaussian())
        bright = np.float32(0.8 + 0.2 * r.next_double())
        c = (side - 1) / 2.0
        for y in range(side):
            for x in range(side):
                inside = (kind == 0 or (kind == 1 and (x < 2 or y < 2 or x >= side - 2 or y >= side - 2))
                          or (kind == 2 and (abs(x - c) <= side / 6.0 or abs(y - c) <= side / 6.0)))
                if inside:
                    px[i, y0 + y, x0 + x] = bright + np.float32(0.05 * r.next_gaussian())
        labels.append(kind)
        boxes.append((y0, x0, y0 + side - 1, x0 + side - 1))
    return torch.from_numpy(px[:, None]), torch.tensor(labels), boxes


def pointing(maps, boxes, tol=2.0):
    m = F.interpolate(torch.as_tensor(maps)[:, None], size=(32, 32), mode="bilinear", align_corners=False)[:, 0]
    yy, xx = np.mgrid[0:32, 0:32]
    hits = 0
    for mm, (y0, x0, y1, x1) in zip(m.numpy(), boxes):
        if mm.max() > 0:
            py, px = np.unravel_index(np.argmax(mm), mm.shape)
            near = (yy - py) ** 2 + (xx - px) ** 2 <= tol * tol
            hits += bool((near & (yy >= y0) & (yy <= y1) & (xx >= x0) & (xx <= x1)).any())
    return hits / len(boxes)


def variant(args):
    M.DEPTH = args.depth
    M.CLASSES = 4 if args.empty > 0 else 3

    def block_forward(self, x):
        x = x + drop_path(self.attn(self.norm1(x)), args.droppath, self.training)
        return x + drop_path(self.mlp(self.norm2(x)), args.droppath, self.training)

    M.Block.forward = block_forward

    class Variant(M.ShapesVit):
        def __init__(self):
            super().__init__(token_labels=args.tokens > 0)
            if args.pool == "both":
                self.head_avg = nn.Linear(M.DIM, M.CLASSES)
            if args.stem == "conv":
                self.patch = nn.Sequential(nn.Conv2d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1),
                                           nn.ReLU(), nn.Conv2d(32, M.DIM, 1))
            if args.nopos:
                self.pos.requires_grad_(False)
                self.pos.data.zero_()

        def heads(self, tokens):
            if args.pool == "cls":
                return super().heads(tokens)
            if args.pool == "avg":
                return self.head(tokens[:, 1:].mean(1)), None
            return (self.head(tokens[:, 0]) + self.head_avg(tokens[:, 1:].mean(1))) / 2, None

    return Variant()


def drop_path(x, p, training):
    if p == 0 or not training:
        return x
    return x * (torch.rand(x.shape[0], 1, 1) >= p).float() / (1 - p)


def train(model, args):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, M.POOL)
    if args.empty > 0:
        labels = np.where(rng.random(M.POOL) < args.empty, 3, labels)
    images = np.stack([M.draw(rng, int(l))[0] if l < 3 else rng.normal(0, 0.1, (1, 32, 32)).astype(np.float32)
                       for l in labels])
    images, labels = torch.from_numpy(images), torch.from_numpy(labels)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-3, weight_decay=args.wd)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1, (s + 1) / 100)
                                              * 0.5 * (1 + math.cos(math.pi * s / args.steps)))
    for step in range(args.steps):
        idx = torch.randint(0, M.POOL, (M.BATCH,))
        loss = model.loss(images[idx], labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()


def load_committed(model):
    """The committed export's weights (the MatMul constants are the transposed Linear weights, in module order)."""
    import onnx
    from onnx import numpy_helper
    g = onnx.load(os.path.join(HERE, "shapes_vit.onnx")).graph
    w = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in g.initializer}
    mats = sorted((k for k in w if k.startswith("onnx::MatMul")), key=lambda k: int(k.rsplit("_", 1)[1]))
    sd = {k: w.get(k, v) for k, v in model.state_dict().items()}
    linears = [k[:-len(".weight")] for k in sd
               if k.endswith(".weight") and (".attn." in k or ".mlp." in k or k.startswith("aux."))]
    for name, mat in zip(linears, mats):
        sd[name + ".weight"] = w[mat].t()
    model.load_state_dict(sd)


def scores(model, x, y, boxes):
    layers = {"blocks.%d.norm1" % i: b.norm1 for i, b in enumerate(model.blocks)}
    layers.update({"blocks.%d.norm2" % i: b.norm2 for i, b in enumerate(model.blocks)})
    layers.update({"blocks.%d.mlp.1 (GELU)" % i: b.mlp[1] for i, b in enumerate(model.blocks)})
    layers.update({"blocks.%d" % i: b for i, b in enumerate(model.blocks)})
    layers["patch embedding"] = model.patch
    layers["norm"] = model.norm
    acts, grads = {}, {}

    def hook(name):
        def fh(_, __, out):
            acts[name] = out
            out.register_hook(lambda g: grads.__setitem__(name, g))
        return fh

    hooks = [m.register_forward_hook(hook(n)) for n, m in layers.items()]
    model(x).gather(1, y[:, None]).sum().backward()
    for h in hooks:
        h.remove()
    out = {}
    for name in layers:
        a, g = acts[name].detach(), grads[name]
        if a.dim() == 3:  # tokens [N, 1 + 64, C] to [N, C, 8, 8], as pytorch-grad-cam's reshape_transform
            a, g = (t[:, 1:].reshape(t.shape[0], 8, 8, -1).permute(0, 3, 1, 2) for t in (a, g))
        out["grad-cam " + name] = pointing(torch.relu((g.mean((2, 3), keepdim=True) * a).sum(1)), boxes)
        out["hires-cam " + name] = pointing(torch.relu((g * a).sum(1)), boxes)
    for name, maps in rollouts(model, x, y).items():
        out[name] = pointing(maps, boxes)
    return out


def rollouts(model, x, y):
    out = model(x)
    atts = [b.attn.attn for b in model.blocks]
    grads = torch.autograd.grad(out.gather(1, y[:, None]).sum(), atts)
    t = atts[0].shape[-1]
    plain = torch.eye(t).expand(x.shape[0], t, t)
    chefer = plain.clone()
    for a, g in zip(atts, grads):
        b = a.detach().mean(1) + torch.eye(t)
        plain = (b / b.sum(-1, keepdim=True)) @ plain
        chefer = chefer + torch.relu(g * a).mean(1).detach() @ chefer
    grid = lambda r: r[:, 0, 1:].reshape(-1, 8, 8)  # noqa: E731
    return {"attention-rollout": grid(plain), "grad-attention-rollout": grid(chefer)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--train", action="store_true")
    p.add_argument("--pool", default="cls", choices=["cls", "avg", "both"])
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--nopos", action="store_true")
    p.add_argument("--droppath", type=float, default=0)
    p.add_argument("--empty", type=float, default=0)
    p.add_argument("--stem", default="patch", choices=["patch", "conv"])
    p.add_argument("--wd", type=float, default=0.05)
    p.add_argument("--tokens", type=float, default=M.TOKEN_LOSS,
                   help="token labelling's loss weight (Jiang et al. 2021); 0: the class-token head alone")
    p.add_argument("--steps", type=int, default=M.STEPS)
    args = p.parse_args()
    M.TOKEN_LOSS = args.tokens
    if args.tokens > 0 and args.pool != "cls":
        p.error("token labelling adds its head to the class token's: use --pool cls or --tokens 0")
    torch.set_num_threads(1)
    torch.manual_seed(0)  # before the model is built, as make_shapes_vit.py does
    model = variant(args)
    if args.train:
        train(model, args)
    else:
        load_committed(model)
    model.eval()
    for seed, n in ((2026, 60), (7, 300)):
        x, y, boxes = shapes_dataset(n, seed)
        with torch.no_grad():
            acc = (model(x).argmax(1) == y).float().mean().item()
        print("held-out seed %d, %d images: accuracy %.3f" % (seed, n, acc))
        for name, s in scores(model, x, y, boxes).items():
            print("  %-34s %.3f" % (name, s))


if __name__ == "__main__":
    main()
