#!/usr/bin/python3
"""Small transformer-era fixtures and float64 references for layer layouts and attention methods (issue 10).

Run with Debian bookworm's system interpreter (no PyPI):

    apt-get install -y python3-torch python3-numpy python3-onnx
    /usr/bin/python3 make_transformer_fixtures.py

Three models written here in PyTorch, seeded, exported with torch.onnx (opset 17, dynamic batch) as torch 1.13
exports torchvision's, so the graphs hold the same shape subgraphs (Shape -> Gather -> Concat -> Reshape, Expand of
the class token):
  vit        ViT: 4x4 patch embedding of a 32x32 image (8x8 grid), 1 class token, 2 blocks (LayerNorm, 2-head
             attention with an explicit Softmax, LayerNorm, GELU MLP), head on the class token
  deit       the same with 2 leading tokens (class and distillation), logits the mean of both heads
  convnext   channels last: ConvNeXt blocks (depthwise conv, permute to [N, h, w, C], LayerNorm, MLP, permute back)
Layers (pytorch-grad-cam's reshape_transform turns them into [N, C, h, w]):
  vit, deit  blocks.1.norm1 (tokens [N, K + 64, 16]): tensor[:, K:, :].reshape(N, 8, 8, C).permute(0, 3, 1, 2)
  convnext   blocks.1.norm  (channels last [N, 8, 8, 16]): tensor.permute(0, 3, 1, 2)
Targets: image 0 explains logit 1, image 1 logit 3. References in float64, raw maps before ReLU, formulas as in
../methods/make_method_fixtures.py (gradient_methods, imported from there), plus:
  ablation-cam    w_k = (y - y_k) / y, y_k the target with channel k of the layer set to 0 in every token, the
                  leading ones included (as pytorch-grad-cam's AblationLayerVit), the whole torch model re-run with a forward hook
  attention-rollout (Abnar and Zuidema 2020), for (fusion, discard) in (mean, 0), (max, 0.5), (min, 0.2):
                  A_l fused over heads; the discard-ratio lowest entries of each image's fused matrix set to 0
                  (never entry [0, 0], the class token's attention to itself, as jacobgil's vit-explain); B_l = (A_l + I) / 2, rows renormalised; R = B_L ... B_1; the
                  map is R's class-token row at the grid columns, as [8, 8]
  grad-attention-rollout (Chefer, Gur and Wolf 2021, "Generic Attention-model Explainability"):
                  R = I; for each layer l in order, R += E_h[relu(dy/dA_l * A_l)] R; the map is R's class-token
                  row at the grid columns
Output: NAME.onnx, NAME/input.npy, NAME/logits.npy, NAME/METHOD.npy (float32 [2, 8, 8]), manifest.json.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "methods"))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
sys.dont_write_bytecode = True
import make_method_fixtures as mm  # noqa: E402  (gradient_methods: the published formulas)

DIM, HEADS, GRID, CLASSES = 16, 2, 8, 5
TARGETS = [1, 3]
ROLLOUTS = [("mean", 0.0), ("max", 0.5), ("min", 0.2)]


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
        attn = (q @ k.transpose(-2, -1)) * (c // HEADS) ** -0.5
        attn = attn.softmax(dim=-1)
        if attn.requires_grad:
            attn.retain_grad()
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


class TinyVit(nn.Module):
    def __init__(self, leading):
        super().__init__()
        self.leading = leading
        self.patch = nn.Conv2d(3, DIM, 4, 4)
        self.tokens = nn.Parameter(torch.randn(1, leading, DIM) * 0.5)
        self.pos = nn.Parameter(torch.randn(1, leading + GRID * GRID, DIM) * 0.5)
        self.blocks = nn.Sequential(Block(), Block())
        self.norm = nn.LayerNorm(DIM)
        self.heads = nn.ModuleList([nn.Linear(DIM, CLASSES) for _ in range(leading)])

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.tokens.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        x = self.norm(self.blocks(x))
        return sum(h(x[:, i]) for i, h in enumerate(self.heads)) / self.leading


class ConvNextBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.dw = nn.Conv2d(DIM, DIM, 3, padding=1, groups=DIM)
        self.norm = nn.LayerNorm(DIM)
        self.mlp = nn.Sequential(nn.Linear(DIM, 2 * DIM), nn.GELU(), nn.Linear(2 * DIM, DIM))

    def forward(self, x):
        y = self.dw(x).permute(0, 2, 3, 1)
        y = self.mlp(self.norm(y)).permute(0, 3, 1, 2)
        return x + y


class TinyConvNext(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, DIM, 4, 4)
        self.blocks = nn.Sequential(ConvNextBlock(), ConvNextBlock())
        self.norm = nn.LayerNorm(DIM)
        self.head = nn.Linear(DIM, CLASSES)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.head(self.norm(x.mean((2, 3))))


MODELS = {
    "vit": (lambda: TinyVit(1), "blocks.1.norm1", 1),
    "deit": (lambda: TinyVit(2), "blocks.1.norm1", 2),
    "convnext": (TinyConvNext, "blocks.1.norm", None),
}


def build(name):
    torch.manual_seed(0)
    model = MODELS[name][0]()
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.LayerNorm):
            m.weight.data = 1 + 0.2 * torch.randn(m.weight.shape, generator=g)
            m.bias.data = 0.2 * torch.randn(m.bias.shape, generator=g)
    return model.eval()


def to_maps(t, leading):
    """pytorch-grad-cam's reshape_transform: [N, C, h, w]."""
    if leading is None:
        return t.permute(0, 3, 1, 2)
    return t[:, leading:, :].reshape(t.shape[0], GRID, GRID, t.shape[2]).permute(0, 3, 1, 2)


def forward_backward(model, path, x, leading):
    store = {}

    def hook(m, i, o):
        o.retain_grad()
        store["out"] = o

    handle = dict(model.named_modules())[path].register_forward_hook(hook)
    x = x.clone().requires_grad_(True)
    logits = model(x)
    handle.remove()
    sum(logits[i, c] for i, c in enumerate(TARGETS)).backward()
    a = to_maps(store["out"].detach(), leading).numpy()
    g = to_maps(store["out"].grad, leading).numpy()
    return logits.detach().numpy(), a, g


def ablation_cam(model, path, x, a, logits, leading):
    n, k = a.shape[:2]
    weights = np.zeros((n, k))

    def ablate(m, i, out):
        out = out.clone()
        for j in range(out.shape[0]):
            if leading is None:
                out[j, :, :, j] = 0
            else:
                out[j, :, j] = 0   # every token, the leading ones too (pytorch-grad-cam's AblationLayerVit)
        return out

    handle = dict(model.named_modules())[path].register_forward_hook(ablate)
    try:
        for i in range(n):
            with torch.no_grad():
                y_k = model(x[i:i + 1].repeat(k, 1, 1, 1))[:, TARGETS[i]].numpy()
            y = logits[i, TARGETS[i]]
            weights[i] = (y - y_k) / y if y != 0 else y - y_k
    finally:
        handle.remove()
    return mm.combine(weights, a)


def attention_rollout(attns, leading, fusion, discard):
    n, _, t, _ = attns[0].shape
    out = np.zeros((n, GRID, GRID))
    for i in range(n):
        r = np.eye(t)
        for a in attns:
            f = {"mean": a[i].mean(0), "max": a[i].max(0), "min": a[i].min(0)}[fusion]
            f = f.copy()
            if discard > 0:
                flat = f.reshape(-1)
                count = int(flat.size * discard)
                order = np.argsort(flat, kind="stable")[:count]
                order = order[order != 0]   # never the class token's attention to itself (vit-explain)
                flat[order] = 0
                f = flat.reshape(t, t)
            b = (f + np.eye(t)) / 2
            b = b / b.sum(-1, keepdims=True)
            r = b @ r
        out[i] = r[0, leading:].reshape(GRID, GRID)
    return out


def grad_attention_rollout(attns, grads, leading):
    n, _, t, _ = attns[0].shape
    out = np.zeros((n, GRID, GRID))
    for i in range(n):
        r = np.eye(t)
        for a, g in zip(attns, grads):
            cam = np.maximum(g[i] * a[i], 0).mean(0)
            r = r + cam @ r
        out[i] = r[0, leading:].reshape(GRID, GRID)
    return out


def main():
    torch.manual_seed(42)
    x32 = torch.randn(2, 3, 4 * GRID, 4 * GRID)
    manifest = {}
    for name, (_, path, leading) in MODELS.items():
        model = build(name)
        onnx_path = os.path.join(HERE, name + ".onnx")
        torch.onnx.export(model, x32, onnx_path, opset_version=17, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True)
        model = model.double()
        x = x32.double()
        logits, a, g = forward_backward(model, path, x, leading)
        if leading is not None:
            attns = [blk.attn.attn.detach().numpy() for blk in model.blocks]
            grads = [blk.attn.attn.grad.numpy() for blk in model.blocks]
        out = os.path.join(HERE, name)
        os.makedirs(out, exist_ok=True)
        np.save(os.path.join(out, "input.npy"), x32.numpy())
        np.save(os.path.join(out, "logits.npy"), logits.astype(np.float32))
        maps = mm.gradient_methods(a, g)
        maps = {k: maps[k] for k in ["grad-cam", "grad-cam-plus-plus", "xgrad-cam", "hires-cam", "layer-cam",
                                     "eigen-cam"]}
        maps["ablation-cam"] = ablation_cam(model, path, x, a, logits, leading)
        if leading is not None:
            for fusion, discard in ROLLOUTS:
                maps["attention-rollout-%s-%g" % (fusion, discard)] = attention_rollout(attns, leading, fusion,
                                                                                         discard)
            maps["grad-attention-rollout"] = grad_attention_rollout(attns, grads, leading)
        for k, v in maps.items():
            np.save(os.path.join(out, k + ".npy"), v.astype(np.float32))
        manifest[name] = {"layer": path, "leading_tokens": leading, "grid": [GRID, GRID], "targets": TARGETS,
                          "maps": sorted(maps)}
        print(name, "logits", logits[0, :3], "maps", sorted(maps))
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
