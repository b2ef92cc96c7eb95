#!/usr/bin/python3
"""A small Conv3d classifier (video / volume model) and reference CAM maps on its 5-D feature maps (issue 13).

Run with Debian bookworm's system interpreter (no PyPI):

    apt-get install -y python3-torch python3-numpy python3-onnx python3-sklearn
    /usr/bin/python3 make_conv3d_fixture.py

Model: input [N, 2, 4, 8, 8] -> Conv3d(2, 4, 3, pad 1) -> BatchNorm3d -> ReLU (tap features.2, [N, 4, 4, 8, 8])
-> Conv3d(4, 6, 3, stride (1, 2, 2), pad 1) -> SiLU (tap features.4, [N, 6, 4, 4, 4]) -> AdaptiveAvgPool3d(1)
-> Linear(6, 5); weights from torch.manual_seed(0), BN statistics randomised; exported to ONNX opset 17 (eval mode,
BN folded). Two images; image 0 explains logit 1, image 1 logit 3.

References, computed in float64 with torch.autograd (activations A and gradients G at each tap, [N, K, d, h, w];
sums and means run over all of d, h, w), raw maps [N, d, h, w] before ReLU and normalisation:
  grad-cam              w = mean G                                  (pytorch-grad-cam: mean over axes 2, 3, 4)
  grad-cam-plus-plus    alpha = G^2 / (2 G^2 + sum(A) G^3) (0 where the denominator is 0), w = sum alpha relu(G)
  xgrad-cam             w = sum(A G) / (sum(A) + 1e-7)
  hires-cam, grad-cam-elementwise, layer-cam   sum_k G A, sum_k relu(G A), sum_k relu(G) A
  eigen-cam, eigen-grad-cam, seg-eigen-cam   first principal component of A, G A, |G| A as [d*h*w, K] (centred),
                        signs as gradcam (sum of v > 0) and Seg-Eigen-CAM (negated when |min| > |max|)
  kpca-cam              scikit-learn's KernelPCA(n_components=1, kernel='sigmoid') of the centred samples
  fem                   w = mean [A > mean(A) + 2 std(A)]
  ablation-cam          w = (y - y_k) / y with channel k of the tap set to 0, the whole model re-run
and the Grad-CAM heatmap at features.4: ReLU, per-image min-max (1e-7), trilinear upsampling (align_corners=False)
to [4, 8, 8].
Output: conv3d.onnx, input.npy, logits.npy, METHOD__TAP.npy, grad-cam-heatmap.npy, manifest.json. Deterministic.
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
CLASSES = [1, 3]
TAPS = ["features.2", "features.4"]


class Video(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv3d(2, 4, 3, padding=1), nn.BatchNorm3d(4), nn.ReLU(),
            nn.Conv3d(4, 6, 3, stride=(1, 2, 2), padding=1), nn.SiLU())
        self.pool = nn.AdaptiveAvgPool3d(1)
        self.fc = nn.Linear(6, 5)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


def build():
    torch.manual_seed(0)
    model = Video()
    gen = torch.Generator().manual_seed(1234)
    bn = model.features[1]
    with torch.no_grad():
        bn.running_mean.copy_(0.2 * torch.randn(4, generator=gen))
        bn.running_var.copy_(0.5 + torch.rand(4, generator=gen))
        bn.weight.copy_(1 + 0.3 * torch.randn(4, generator=gen))
        bn.bias.copy_(0.1 * torch.randn(4, generator=gen))
    return model.eval()


def capture(model, x):
    acts = {}
    mods = dict(model.named_modules())
    hooks = [mods[p].register_forward_hook(lambda m, i, o, p=p: acts.__setitem__(p, o)) for p in TAPS]
    try:
        logits = model(x)
    finally:
        for h in hooks:
            h.remove()
    grads = torch.autograd.grad(sum(logits[n, c] for n, c in enumerate(CLASSES)), [acts[p] for p in TAPS])
    return logits.detach().numpy(), {p: acts[p].detach().numpy() for p in TAPS}, dict(zip(TAPS, (g.numpy() for g in grads)))


def combine(w, a):
    return (w[:, :, None, None, None] * a).sum(1)


def projection(x, seg=False):
    k = x.shape[0]
    m = x.reshape(k, -1).T
    m = m - m.mean(axis=0)
    _, s, vt = np.linalg.svd(m, full_matrices=False)
    v = vt[0]
    p = m @ v
    if seg:
        p = -p if abs(p.min()) > abs(p.max()) else p
    else:
        total, size = v.sum(), np.abs(v).sum()
        p = -p if (total < 0 if abs(total) > 1e-9 * size else p[np.argmax(np.abs(p))] < 0) else p
    return p.reshape(x.shape[1:])


def kpca(x):
    from sklearn.decomposition import KernelPCA
    k = x.shape[0]
    m = x.reshape(k, -1).T
    m = m - m.mean(axis=0)
    return KernelPCA(n_components=1, kernel="sigmoid").fit_transform(m)[:, 0].reshape(x.shape[1:])


def methods(a, g):
    relu = lambda t: np.maximum(t, 0)  # noqa: E731
    axes = (2, 3, 4)
    sum_a = a.sum(axes, keepdims=True)
    g2, g3 = g ** 2, g ** 3
    den = 2 * g2 + sum_a * g3
    alpha = np.divide(g2, den, out=np.zeros_like(g2), where=den != 0)
    mean, std = a.mean(axes, keepdims=True), a.std(axes, keepdims=True)
    return {
        "grad-cam": combine(g.mean(axes), a),
        "grad-cam-plus-plus": combine((alpha * relu(g)).sum(axes), a),
        "xgrad-cam": combine((a * g).sum(axes) / (a.sum(axes) + 1e-7), a),
        "hires-cam": (g * a).sum(1),
        "grad-cam-elementwise": relu(g * a).sum(1),
        "layer-cam": (relu(g) * a).sum(1),
        "eigen-cam": np.stack([projection(x) for x in a]),
        "eigen-grad-cam": np.stack([projection(x) for x in g * a]),
        "seg-eigen-cam": np.stack([projection(x, seg=True) for x in np.abs(g) * a]),
        "kpca-cam": np.stack([kpca(x) for x in a]),
        "fem": combine((a > mean + 2 * std).mean(axes), a),
    }


def ablation(model, path, x, a, logits):
    n, k = a.shape[:2]
    weights = np.zeros((n, k))

    def ablate(m, i, out):
        out = out.clone()
        for j in range(out.shape[0]):
            out[j, j] = 0
        return out

    handle = dict(model.named_modules())[path].register_forward_hook(ablate)
    try:
        with torch.no_grad():
            for i in range(n):
                y_k = model(x[i:i + 1].repeat(k, 1, 1, 1, 1))[:, CLASSES[i]].numpy()
                y = logits[i, CLASSES[i]]
                weights[i] = (y - y_k) / y
    finally:
        handle.remove()
    return combine(weights, a)


def save(name, arr):
    np.save(os.path.join(HERE, name + ".npy"), np.ascontiguousarray(np.asarray(arr, np.float64).astype("<f4")),
            allow_pickle=False)


def main():
    model = build()
    x32 = torch.randn(2, 2, 4, 8, 8, generator=torch.Generator().manual_seed(7))
    path = os.path.join(HERE, "conv3d.onnx")
    torch.onnx.export(model, x32, path, opset_version=17, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    graph = onnx.load(path).graph
    tensors = {}
    for p in TAPS:
        nodes = [nd for nd in graph.node if nd.name.startswith("/features/features." + p.split(".")[1] + "/")]
        tensors[p] = nodes[-1].output[0]
    model64 = build().double()
    x = x32.double()
    logits, acts, grads = capture(model64, x)
    save("input", x32.numpy())
    save("logits", logits)
    entry = {"input_shape": list(x.shape), "classes": CLASSES, "taps": []}
    for p in TAPS:
        maps = methods(acts[p], grads[p])
        maps["ablation-cam"] = ablation(model64, p, x, acts[p], logits)
        for name, m in maps.items():
            assert m.shape == acts[p].shape[:1] + acts[p].shape[2:], (p, name, m.shape)
            save(f"{name}__{p}", m)
        entry["taps"].append({"module": p, "onnx_tensor": tensors[p], "shape": list(acts[p].shape),
                              "methods": sorted(maps)})
    cam = np.maximum(methods(acts["features.4"], grads["features.4"])["grad-cam"], 0)
    lo = cam.min(axis=(1, 2, 3), keepdims=True)
    cam = cam - lo
    cam = cam / (cam.max(axis=(1, 2, 3), keepdims=True) + 1e-7)
    heat = F.interpolate(torch.from_numpy(cam)[:, None], size=tuple(x.shape[2:]), mode="trilinear",
                         align_corners=False)[:, 0]
    save("grad-cam-heatmap", heat.numpy())
    with open(os.path.join(HERE, "manifest.json"), "w") as fh:
        json.dump(entry, fh, indent=1)
        fh.write("\n")
    print(entry["taps"], "ablation min", [float(acts[p].min()) for p in TAPS])


if __name__ == "__main__":
    main()
