#!/usr/bin/python3
"""Reference heatmaps with pytorch-grad-cam master's semantics, for gradcam's Compatibility.PYTORCH_GRAD_CAM preset,
on the 8 fixture architectures of ../fixtures (issue 13).

Run with Debian bookworm's system interpreter (no PyPI; pytorch-grad-cam itself is not installed, its formulas are
written out below from its source):

    apt-get install -y python3-torch python3-numpy python3-opencv
    /usr/bin/python3 make_compat_fixtures.py [ARCH ...]

The fixture models are rebuilt as ../methods/make_method_fixtures.py does (same definitions and seeds) in float64;
activations and gradients come from torch.autograd hooks. For each architecture, at its deepest tap P, image 0
explaining logit 1 and image 1 logit 3 (ClassifierOutputTarget), the final heatmap [2, 32, 32] of:

  grad-cam              w = mean_ij G
  grad-cam-plus-plus    aij = G^2 / (2 G^2 + sum_ij(A) G^3 + 1e-6) where G != 0, else 0; w = sum_ij relu(G) aij
  xgrad-cam             w = sum_ij(A G) / (sum_ij A + 1e-7)
  hires-cam             cam = sum_k G A
  grad-cam-elementwise  cam = sum_k relu(G A)
  layer-cam             cam = sum_k relu(G) A
  eigen-cam, eigen-grad-cam   get_2d_projection of A, of G A (centred SVD); pytorch-grad-cam leaves the singular
                        vector's sign to LAPACK, so the sign is fixed here as gradcam does (sum_k v_k > 0)
  score-cam             masks = UpsamplingBilinear2d (align_corners=True) of A, (m - min) / (max - min + 1e-8);
                        scores of x * mask per channel (batches of 16), w = softmax over channels
  ablation-cam          AblationLayer: channel k of the layer output set to 0 if the copy batch's min is 0, else
                        to that min - 1e7, the min taken over the batch of 32 copies as they are ablated in place
                        (so copy j of a batch gets min - (j + 1) 1e7); w = (y - y_k) / y
  full-grad             |x dy/dx| and |b dy/dz| for every Conv2d with bias and BatchNorm2d, each channel min-max
                        scaled (1e-7) and resized, summed over channels and terms
  fem                   w = mean_ij [A > mean + 2 std] (FEM)
  kpca-cam              KernelPCA(n_components=1, kernel='sigmoid') of the centred samples (formula written out
                        in ../methods/make_method_fixtures.py, checked there against scikit-learn)
  seg-eigen-cam         get_2d_projection_with_sign_correction(|G| A)
  finer-cam             Grad-CAM of FinerWeightedTarget(c, classes at positions 1..3 of argsort |y - y_c|, alpha 1)
  shapley-cam           ShapleyCAM.get_cam_weights: grads from torch.autograd.grad(loss, input, create_graph=True)
                        (the layer's hooked gradient), hvp = torch.autograd.grad(grads, activations,
                        grad_outputs=activations, allow_unused=True) (None -> 0), w = mean_ij (grads - 0.5 hvp)
and the pipeline of BaseCAM.forward: cam = sum_k w_k A_k (or the map above), np.maximum(cam, 0),
scale_cam_image(cam, (W, H)) = per image (x - min) / (max + 1e-7) after the shift, then cv2.resize (INTER_LINEAR);
aggregate_multi_layers = mean over layers, then scale_cam_image again. Also
  multi-layer           grad-cam at the first and the deepest tap, aggregated
  refine-cam            RefineCAM: per-layer heatmaps of GradCAMPlusPlus at the first and the deepest tap (each a full
                        BaseCAM.forward), their product, scale_cam_image
  aug-smooth            grad-cam with forward_augmentation_smoothing: ttach HorizontalFlip x Multiply(0.9, 1, 1.1),
                        targets=None (each augmented pass takes its own argmax), flip undone, mean of the six maps

Output: ARCH/METHOD.npy (float32 [2, 32, 32]) and manifest.json (arch, tap, onnx tensor, first tap). Deterministic.
"""
import json
import os
import sys

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
sys.path.insert(0, FIXTURES)
sys.dont_write_bytecode = True
import make_fixtures as mf  # noqa: E402
sys.path.insert(0, os.path.join(HERE, "..", "methods"))
import make_method_fixtures as mm  # noqa: E402  (FEM, KPCA, Seg-Eigen and Finer formulas)
from make_method_fixtures import combine, rebuild, save  # noqa: E402  (one definition of the models and outputs)

CLASSES = mf.CLASSES


def capture(model, paths, x, classes=None):
    """Logits, activations and gradients of sum_n logit[n, c_n] at `paths`; c_n = argmax when classes is None."""
    acts = {}
    mods = dict(model.named_modules())
    hooks = [mods[p].register_forward_hook(lambda m, i, o, p=p: acts.__setitem__(p, o)) for p in paths]
    try:
        logits = model(x)
    finally:
        for h in hooks:
            h.remove()
    if classes is None:
        classes = logits.detach().argmax(1).tolist()
    target = sum(logits[n, c] for n, c in enumerate(classes))
    grads = torch.autograd.grad(target, [acts[p] for p in paths])
    return (logits.detach().numpy(), classes, {p: acts[p].detach().numpy() for p in paths},
            {p: g.numpy() for p, g in zip(paths, grads)})


def shapley_weights(model, path, x, classes):
    """pytorch-grad-cam's ShapleyCAM weights at `path` for the logit targets, float64."""
    acts = {}
    handle = dict(model.named_modules())[path].register_forward_hook(lambda m, i, o: acts.__setitem__("a", o))
    try:
        logits = model(x)
    finally:
        handle.remove()
    a = acts["a"]
    (g,) = torch.autograd.grad(sum(logits[n, c] for n, c in enumerate(classes)), a, create_graph=True)
    hvp = torch.autograd.grad(g, a, grad_outputs=a.detach(), allow_unused=True)[0] if g.requires_grad else None
    hvp = torch.zeros_like(a) if hvp is None else hvp
    return (g - 0.5 * hvp).detach().numpy().mean((2, 3))


def projection(x):
    """get_2d_projection of one image [K, h, w], with gradcam's sign convention."""
    k, h, w = x.shape
    m = np.nan_to_num(x.reshape(k, -1).T)
    m = m - m.mean(axis=0)
    _, s, vt = np.linalg.svd(m, full_matrices=False)
    v = vt[0]
    p = m @ v
    total, size = v.sum(), np.abs(v).sum()
    flip = total < 0 if abs(total) > 1e-9 * size else p[np.argmax(np.abs(p))] < 0
    return (-p if flip else p).reshape(h, w)


def scale_cam_image(cam, size=None):
    out = []
    for img in cam:
        img = img - img.min()
        img = img / (1e-7 + img.max())
        if size is not None:
            img = cv2.resize(img, size, interpolation=cv2.INTER_LINEAR)
        out.append(img)
    return np.stack(out)


def heatmap(cams, size):
    """compute_cam_per_layer's ReLU + scale, then aggregate_multi_layers."""
    per_layer = [scale_cam_image(np.maximum(c, 0), size) for c in cams]
    return scale_cam_image(np.maximum(np.stack(per_layer, 1), 0).mean(1))


def gradient_cams(a, g):
    relu = lambda t: np.maximum(t, 0)  # noqa: E731
    g2 = g ** 2
    g3 = g2 * g
    aij = g2 / (2 * g2 + a.sum((2, 3))[:, :, None, None] * g3 + 1e-6)
    aij = np.where(g != 0, aij, 0)
    return {
        "grad-cam": combine(g.mean((2, 3)), a),
        "grad-cam-plus-plus": combine((relu(g) * aij).sum((2, 3)), a),
        "xgrad-cam": combine((a * g).sum((2, 3)) / (a.sum((2, 3)) + 1e-7), a),
        "hires-cam": (g * a).sum(1),
        "grad-cam-elementwise": relu(g * a).sum(1),
        "layer-cam": (relu(g) * a).sum(1),
        "eigen-cam": np.stack([projection(x) for x in a]),
        "eigen-grad-cam": np.stack([projection(x) for x in g * a]),
    }


def score_cam(model, x, a, classes, batch=16):
    up = nn.UpsamplingBilinear2d(size=x.shape[-2:])(torch.from_numpy(a))
    flat = up.view(up.size(0), up.size(1), -1)
    lo, hi = flat.min(-1)[0][:, :, None, None], flat.max(-1)[0][:, :, None, None]
    up = (up - lo) / (hi - lo + 1e-8)
    inputs = x[:, None] * up[:, :, None]
    scores = []
    with torch.no_grad():
        for n, tensor in enumerate(inputs):
            for i in range(0, tensor.size(0), batch):
                scores.extend(model(tensor[i:i + batch])[:, classes[n]].tolist())
    w = torch.softmax(torch.tensor(scores, dtype=torch.float64).view(a.shape[0], a.shape[1]), -1).numpy()
    return combine(w, a)


def ablation_cam(model, path, x, a, logits, classes, batch=32):
    module = dict(model.named_modules())[path]
    n, k = a.shape[:2]
    weights = np.zeros((n, k))
    state = {}

    def ablate(mod, inp, out):
        copies = state["acts"].clone()
        for j in range(copies.size(0)):
            if torch.min(copies) == 0:
                copies[j, state["channels"][j]] = 0
            else:
                copies[j, state["channels"][j]] = torch.min(copies) - 1e7
        return copies

    handle = module.register_forward_hook(ablate)
    try:
        with torch.no_grad():
            for i in range(n):
                scores = []
                for start in range(0, k, batch):
                    channels = list(range(start, min(k, start + batch)))
                    state["acts"] = torch.from_numpy(a[i:i + 1]).repeat(len(channels), 1, 1, 1)
                    state["channels"] = channels
                    scores.extend(model(x[i:i + 1].repeat(len(channels), 1, 1, 1))[:, classes[i]].tolist())
                y = logits[i, classes[i]]
                weights[i] = (y - np.array(scores)) / y
    finally:
        handle.remove()
    return combine(weights, a)


def full_grad(model, x, classes):
    layers = [(name, m) for name, m in model.named_modules()
              if (isinstance(m, nn.Conv2d) and m.bias is not None) or isinstance(m, nn.BatchNorm2d)]
    outs = {}
    handles = [m.register_forward_hook(lambda mod, i, o, name=name: outs.__setitem__(name, o)) for name, m in layers]
    xi = x.clone().requires_grad_(True)
    try:
        logits = model(xi)
    finally:
        for hd in handles:
            hd.remove()
    target = sum(logits[i, c] for i, c in enumerate(classes))
    grads = torch.autograd.grad(target, [xi] + [outs[name] for name, _ in layers])
    size = (x.shape[-1], x.shape[-2])

    def per_channel(t):
        n, c = t.shape[:2]
        return scale_cam_image(t.reshape(n * c, *t.shape[2:]), size).reshape(n, c, size[1], size[0])

    terms = [per_channel(np.abs((x * grads[0]).detach().numpy()))]
    for (name, m), g in zip(layers, grads[1:]):
        if isinstance(m, nn.BatchNorm2d):
            b = m.bias - m.running_mean * m.weight / torch.sqrt(m.running_var + m.eps)
        else:
            b = m.bias
        terms.append(per_channel(np.abs((b[None, :, None, None] * g).detach().numpy())).sum(1, keepdims=True))
    return np.concatenate(terms, 1).sum(1)


def aug_smooth(model, path, x, size):
    cams = []
    for flip in (False, True):
        for factor in (0.9, 1.0, 1.1):
            xa = torch.flip(x, dims=[3]) if flip else x
            xa = xa * factor
            _, classes, acts, grads = capture(model, [path], xa)
            a, g = acts[path], grads[path]
            cam = heatmap([combine(g.mean((2, 3)), a)], size)
            cams.append(cam[:, :, ::-1] if flip else cam)
    return np.mean(np.stack(cams), 0)


def build(arch):
    model, taps = rebuild(arch)
    fixture = json.load(open(os.path.join(FIXTURES, arch, "manifest.json")))
    tensors = {t["module"]: t["onnx_tensor"] for t in fixture["taps"]}
    x = torch.from_numpy(np.load(os.path.join(FIXTURES, arch, "input.npy")).astype(np.float64))
    first, deepest = taps[0], taps[-1]
    logits, _, acts, grads = capture(model, [first, deepest], x, CLASSES)
    stored = np.load(os.path.join(FIXTURES, arch, "logits.npy"))
    assert np.abs(logits - stored).max() <= 1e-5 * max(1.0, np.abs(stored).max()), (arch, "rebuilt model differs")
    size = (x.shape[-1], x.shape[-2])
    a, g = acts[deepest], grads[deepest]
    cams = gradient_cams(a, g)
    cams["score-cam"] = score_cam(model, x, a, CLASSES)
    cams["fem"] = mm.fem(a)
    cams["kpca-cam"] = np.stack([mm.kpca(im) for im in a])
    cams["seg-eigen-cam"] = np.stack([mm.seg_eigen(im) for im in np.abs(g) * a])
    finer = mm.target_gradient(model, deepest, x, mm.finer_score(logits))
    cams["finer-cam"] = combine(finer.mean((2, 3)), a)
    cams["ablation-cam"] = ablation_cam(model, deepest, x, a, logits, CLASSES)
    cams["shapley-cam"] = combine(shapley_weights(model, deepest, x, CLASSES), a)
    maps = {name: heatmap([cam], size) for name, cam in cams.items()}
    maps["full-grad"] = heatmap([full_grad(model, x, CLASSES)], size)
    maps["multi-layer"] = heatmap([combine(grads[first].mean((2, 3)), acts[first]), cams["grad-cam"]], size)
    maps["aug-smooth"] = aug_smooth(model, deepest, x, size)
    per_layer = [heatmap([gradient_cams(acts[p], grads[p])["grad-cam-plus-plus"]], size) for p in (first, deepest)]
    maps["refine-cam"] = scale_cam_image(np.prod(np.stack(per_layer), 0))
    out = os.path.join(HERE, arch)
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        os.remove(os.path.join(out, old))
    for name, m in maps.items():
        assert m.shape == (2,) + tuple(x.shape[-2:]), (arch, name, m.shape)
        save(os.path.join(out, name + ".npy"), m)
    top2 = np.sort(logits, 1)[:, -2:]
    print(f"== {arch}: {deepest} {a.shape}, ablation min {a.min(axis=(1, 2, 3))}, top-2 gap {top2[:, 1] - top2[:, 0]}")
    return {"arch": arch, "tap": deepest, "onnx_tensor": tensors[deepest], "first_tap": first,
            "first_onnx_tensor": tensors[first], "methods": sorted(maps)}


def main():
    archs = sys.argv[1:] or list(mf.ARCHS)
    manifest_path = os.path.join(HERE, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    for arch in archs:
        manifest[arch] = build(arch)
    manifest = {k: manifest[k] for k in mf.ARCHS if k in manifest}
    with open(manifest_path, "w") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
