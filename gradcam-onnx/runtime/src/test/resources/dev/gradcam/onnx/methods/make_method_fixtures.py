#!/usr/bin/python3
"""Reference raw CAM maps for every method of gradcam-api's dev.gradcam.api.method, on the 8 fixture
architectures of ../fixtures (issue 4's reference check).

Run with Debian bookworm's system interpreter (no PyPI):

    apt-get install -y python3-torch python3-numpy python3-onnx
    /usr/bin/python3 make_method_fixtures.py [ARCH ...]

It rebuilds each fixture model exactly as ../fixtures/make_fixtures.py does (its model definitions are imported,
same seeds), checks the rebuilt model against the stored logits, and computes in float64, from the published
formulas, the raw map at layer resolution (before ReLU and normalisation) of every method, for both fixture images
with their targets (image 0 -> logit of class 1, image 1 -> logit of class 3):

  grad-cam              w_k = mean_ij G_k                                    (Selvaraju et al. 2017)
  grad-cam-plus-plus    alpha = G^2 / (2 G^2 + sum_ij(A_k) G^3) (0 where the denominator is 0),
                        w_k = sum_ij alpha relu(G_k)                         (Chattopadhyay et al. 2018)
  xgrad-cam             w_k = sum_ij(A_k G_k) / (sum_ij A_k + 1e-7)          (Fu et al. 2020)
  hires-cam             sum_k G_k A_k                                        (Draelos and Carin 2020)
  grad-cam-elementwise  sum_k relu(G_k A_k)                                  (pytorch-grad-cam)
  layer-cam             sum_k relu(G_k) A_k                                  (Jiang et al. 2021)
  eigen-cam             X_c v, X = A as [h*w, K], centred per channel, v its first right singular
                        vector with the sign making sum_k v_k > 0           (Muhammad and Yeasin 2020)
  eigen-grad-cam        the same with X = G A
  grad-cam-eigen-smooth the same with X = w_k A_k (Grad-CAM weights)         (pytorch-grad-cam eigen_smooth)
  random-cam            w_k = 2u - 1 (float32), u the SplitMix64(seed 0) stream, image-major
  score-cam             w_k = target(model(x * M_k)), M_k = min-max of A_k upsampled to 32x32 with
                        half-pixel centres; constant channels get w_k = 0   (Wang et al. 2020, official code)
  score-cam-pytorch     pytorch-grad-cam's variant: align_corners=True upsampling, (x - min) / (max -
                        min + 1e-8), w = softmax over channels of the scores
  ablation-cam          w_k = (y - y_k) / y, y_k the target with channel k of the layer set to 0, the
                        whole torch model re-run with a forward hook        (Desai and Ramaswamy 2020)
  deep-feature-factorization  NMF of the per-channel-shifted activations [K, N*h*w] into r = min(5, K)
                        concepts by Lee-Seung multiplicative updates, 200 iterations, eps 1e-12, start
                        sqrt(mean(X)/r) * u from SplitMix64(0) (W row-major, then H); each concept's
                        embedding (W + shift) spread over the layer and run through the rest of the model;
                        image n shows the H map of the concept with the best target score
                                                                         (Collins et al. 2018)
  fem                   w_k = mean_ij [A_k > mean(A_k) + 2 std(A_k)] (population std)    (Fuad et al. 2020)
  kpca-cam              X = A as [h*w, K] centred per channel, sigmoid kernel tanh(X X^T / K + 1) centred
                        (K - 1K - K1 + 1K1), map u sqrt(lambda) of the top eigenpair, sign making the largest
                        |u_i| positive (scikit-learn KernelPCA's svd_flip; cross-checked with scikit-learn when
                        python3-sklearn is installed)                                  (KPCA-CAM, Karmani et al. 2024)
  seg-eigen-cam         first principal component of |G| A (centred SVD), negated when |min| > |max|
                                                                                  (Chung and Ying 2025, Eq. 10-13)
  finer-cam             Grad-CAM of S = sum_j p_j (y_c - y_j) / (sum_j p_j + 1e-9), j the classes at positions 1..3
                        of argsort |y - y_c| (stable), p = softmax(y), gradients by torch.autograd through p
                                                                                  (Zhang et al. 2025)
  grad-cam-rest         Grad-CAM of ReST = y_c - cross_entropy(y, c)                  (Cai et al. 2025)
  grad-cam-softmax      Grad-CAM of softmax(y)_c
and, per architecture, FullGrad at input resolution [2, 32, 32] (Srinivas and Fleuret 2019, authors' scaling):
  full-grad             psi(|x * dy/dx|) summed over input channels + for every Conv2d with a bias and every
                        BatchNorm2d (effective bias beta - mean gamma / sqrt(var + eps)), psi(|b_c dy/dz_c|)
                        summed over channels, psi = per image min-max over all channels (eps 1e-6) then
                        bilinear upsampling with align_corners=True.

A = act__P.npy and G = grad__P.npy of ../fixtures/ARCH (float32 of float64 torch values), widened to float64.
Output: ARCH/METHOD__P.npy (float32 [2, h, w]), ARCH/full-grad.npy, manifest.json. Deterministic.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
sys.path.insert(0, FIXTURES)
sys.dont_write_bytecode = True   # no __pycache__ next to the committed fixtures
import make_fixtures as mf  # noqa: E402  (model definitions and seeds of the fixtures)

CLASSES = mf.CLASSES
M64 = (1 << 64) - 1


class SplitMix64:
    """The generator of dev.gradcam.api.numeric.SplitMix64, bit for bit."""

    def __init__(self, seed):
        self.state = seed & M64

    def next_long(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def next_double(self):
        return (self.next_long() >> 11) * 2.0 ** -53


def rebuild(arch):
    ctor, taps = mf.ARCHS[arch]
    torch.manual_seed(0)
    model = ctor()
    mf.randomize_norms(model, torch.Generator().manual_seed(1234))
    model = model.double().eval()
    return model, taps


def load(arch, name):
    return np.load(os.path.join(FIXTURES, arch, name + ".npy")).astype(np.float64)


def combine(w, a):
    return (w[:, :, None, None] * a).sum(1)


def projection(x):
    """First principal component map of one image's [K, h, w], dev.gradcam.api.cam.PrincipalComponent."""
    k, h, w = x.shape
    m = np.nan_to_num(x.reshape(k, -1).T)
    m = m - m.mean(axis=0)
    _, s, vt = np.linalg.svd(m, full_matrices=False)
    if s[0] <= 0:
        return np.zeros((h, w))
    v = vt[0]
    p = m @ v
    total, size = v.sum(), np.abs(v).sum()
    flip = total < 0 if abs(total) > 1e-9 * size else p[np.argmax(np.abs(p))] < 0
    return (-p if flip else p).reshape(h, w)


def gradient_methods(a, g):
    relu = lambda t: np.maximum(t, 0)  # noqa: E731
    sum_a = a.sum((2, 3), keepdims=True)
    g2, g3 = g ** 2, g ** 3
    den = 2 * g2 + sum_a * g3
    alpha = np.divide(g2, den, out=np.zeros_like(g2), where=den != 0)
    w_gc = g.mean((2, 3))
    return {
        "grad-cam": combine(w_gc, a),
        "grad-cam-plus-plus": combine((alpha * relu(g)).sum((2, 3)), a),
        "xgrad-cam": combine((a * g).sum((2, 3)) / (a.sum((2, 3)) + 1e-7), a),
        "hires-cam": (g * a).sum(1),
        "grad-cam-elementwise": relu(g * a).sum(1),
        "layer-cam": (relu(g) * a).sum(1),
        "eigen-cam": np.stack([projection(x) for x in a]),
        "eigen-grad-cam": np.stack([projection(x) for x in g * a]),
        "grad-cam-eigen-smooth": np.stack([projection(w[:, None, None] * x) for w, x in zip(w_gc, a)]),
    }


def fem(a, k=2.0):
    mean = a.mean((2, 3), keepdims=True)
    std = a.std((2, 3), keepdims=True)
    return combine((a > mean + k * std).mean((2, 3)), a)


def kpca(x_image, gamma=None):
    """One image [K, h, w]: sklearn KernelPCA(n_components=1, kernel='sigmoid').fit_transform of the centred samples."""
    k, h, w = x_image.shape
    x = np.nan_to_num(x_image.reshape(k, -1).T)
    x = x - x.mean(axis=0)
    g = 1.0 / k if gamma is None else gamma
    km = np.tanh(g * x @ x.T + 1.0)
    one = np.full_like(km, 1.0 / km.shape[0])
    kc = km - one @ km - km @ one + one @ km @ one
    values, vectors = np.linalg.eigh(kc)
    u = vectors[:, -1]
    u = u if u[np.argmax(np.abs(u))] >= 0 else -u
    p = u * np.sqrt(max(values[-1], 0.0))
    try:
        from sklearn.decomposition import KernelPCA
        ref = KernelPCA(n_components=1, kernel="sigmoid", gamma=gamma).fit_transform(x)[:, 0]
        assert np.abs(ref - p).max() <= 1e-6 * max(1.0, np.abs(p).max()), "KernelPCA disagrees"
    except ImportError:
        pass
    return p.reshape(h, w)


def seg_eigen(x_image):
    k, h, w = x_image.shape
    m = np.nan_to_num(x_image.reshape(k, -1).T)
    m = m - m.mean(axis=0)
    _, _, vt = np.linalg.svd(m, full_matrices=True)
    p = m @ vt[0]
    return (-p if abs(p.min()) > abs(p.max()) else p).reshape(h, w)


def target_gradient(model, path, x, score):
    """Activations at `path` and d(sum_n score(logits, n))/d activations, torch.autograd in float64."""
    module = dict(model.named_modules())[path]
    acts = {}
    handle = module.register_forward_hook(lambda m, i, o: acts.__setitem__("a", o))
    try:
        logits = model(x)
    finally:
        handle.remove()
    total = sum(score(logits, n) for n in range(x.shape[0]))
    return torch.autograd.grad(total, acts["a"])[0].numpy()


def finer_score(logits_clean, alpha=1.0, positions=(1, 2, 3)):
    def score(logits, n):
        c = CLASSES[n]
        y = logits_clean[n]
        order = np.argsort(np.abs(y - y[c]), kind="stable")
        assert order[0] == c
        comparison = [int(order[p]) for p in positions]
        prob = torch.softmax(logits[n], -1)
        num = sum(prob[j] * (logits[n, c] - alpha * logits[n, j]) for j in comparison)
        return num / (sum(prob[j] for j in comparison) + 1e-9)
    return score


def rest_score(logits, n):
    c = CLASSES[n]
    return logits[n, c] - F.cross_entropy(logits[n:n + 1], torch.tensor([c]))


def softmax_score(logits, n):
    return torch.softmax(logits[n], -1)[CLASSES[n]]


def random_cam(a, seed=0):
    rng = SplitMix64(seed)
    n, k = a.shape[:2]
    w = np.array([[np.float32(-1 + 2 * rng.next_double()) for _ in range(k)] for _ in range(n)], np.float64)
    return combine(w, a)


def with_layer_output(model, path, replace):
    """Runs the model with module `path`'s output replaced by replace(output)."""
    module = dict(model.named_modules())[path]
    handle = module.register_forward_hook(lambda m, i, o: replace(o))
    return handle


def score_cam(model, path, x, a, pytorch):
    n, k = a.shape[:2]
    weights = np.zeros((n, k))
    for i in range(n):
        up = F.interpolate(torch.from_numpy(a[i:i + 1]), size=x.shape[-2:], mode="bilinear",
                           align_corners=pytorch)[0]
        lo = up.flatten(1).min(1).values[:, None, None]
        hi = up.flatten(1).max(1).values[:, None, None]
        if pytorch:
            masks = (up - lo) / (hi - lo + 1e-8)
        else:
            masks = torch.where(hi > lo, (up - lo) / torch.where(hi > lo, hi - lo, torch.ones_like(hi)),
                                torch.zeros_like(up))
        with torch.no_grad():
            scores = model(x[i:i + 1] * masks[:, None])[:, CLASSES[i]].numpy()
        if pytorch:
            e = np.exp(scores - scores.max())
            weights[i] = e / e.sum()
        else:
            constant = (hi == lo).flatten().numpy()
            weights[i] = np.where(constant, 0.0, scores)
    return combine(weights, a)


def ablation_cam(model, path, x, a, logits):
    n, k = a.shape[:2]
    weights = np.zeros((n, k))

    def ablate(out):
        out = out.clone()
        for j in range(out.shape[0]):
            out[j, j] = 0
        return out

    handle = with_layer_output(model, path, ablate)
    try:
        for i in range(n):
            with torch.no_grad():
                y_k = model(x[i:i + 1].repeat(k, 1, 1, 1))[:, CLASSES[i]].numpy()
            y = logits[i, CLASSES[i]]
            weights[i] = (y - y_k) / y if y != 0 else y - y_k
    finally:
        handle.remove()
    return combine(weights, a)


def nmf(x, r, iterations, seed):
    m, n = x.shape
    scale = math.sqrt(x.sum() / (m * n) / r)
    rng = SplitMix64(seed)
    w = np.array([[scale * rng.next_double() for _ in range(r)] for _ in range(m)])
    h = np.array([[scale * rng.next_double() for _ in range(n)] for _ in range(r)])
    for _ in range(iterations):
        h *= (w.T @ x) / (w.T @ w @ h + 1e-12)
        w *= (x @ h.T) / (w @ (h @ h.T) + 1e-12)
    return w, h


def deep_feature_factorization(model, path, x, a, r=5, iterations=200, seed=0):
    n, k, hh, ww = a.shape
    r = min(r, k)
    flat = np.nan_to_num(a.transpose(1, 0, 2, 3).reshape(k, -1))
    offset = flat.min(1)
    w, h = nmf(flat - offset[:, None], r, iterations, seed)
    emb = (w + offset[:, None]).T.astype(np.float32).astype(np.float64)   # [r, K], as Java's float embeddings
    spread = torch.from_numpy(np.ascontiguousarray(np.broadcast_to(emb[:, :, None, None], (r, k, hh, ww))))
    handle = with_layer_output(model, path, lambda out: spread)
    try:
        with torch.no_grad():
            outputs = model(x[:1].repeat(r, 1, 1, 1)).numpy()
    finally:
        handle.remove()
    maps = h.reshape(r, n, hh, ww).transpose(1, 0, 2, 3)
    best = [int(np.argmax(outputs[:, CLASSES[i]].astype(np.float32))) for i in range(n)]
    return np.stack([maps[i, best[i]] for i in range(n)]), best, outputs


def full_grad(model, x):
    layers = [(name, m) for name, m in model.named_modules()
              if (isinstance(m, nn.Conv2d) and m.bias is not None) or isinstance(m, nn.BatchNorm2d)]
    outs = {}
    handles = [m.register_forward_hook(lambda mod, i, o, name=name: outs.__setitem__(name, o))
               for name, m in layers]
    xi = x.clone().requires_grad_(True)
    try:
        logits = model(xi)
    finally:
        for hd in handles:
            hd.remove()
    target = sum(logits[i, c] for i, c in enumerate(CLASSES))
    grads = torch.autograd.grad(target, [xi] + [outs[name] for name, _ in layers])
    size = x.shape[-2:]

    def psi(t):
        flat = t.flatten(1)
        lo = flat.min(1).values[:, None, None, None]
        hi = flat.max(1).values[:, None, None, None]
        t = (t - lo) / (hi - lo + 1e-6)
        return F.interpolate(t, size=size, mode="bilinear", align_corners=True).sum(1)

    total = psi((x * grads[0]).abs())
    for (name, m), g in zip(layers, grads[1:]):
        if isinstance(m, nn.BatchNorm2d):
            b = m.bias - m.running_mean * m.weight / torch.sqrt(m.running_var + m.eps)
        else:
            b = m.bias
        total = total + psi((b[None, :, None, None] * g).abs())
    return total.detach().numpy(), [name for name, _ in layers]


def save(path, arr):
    np.save(path, np.ascontiguousarray(np.asarray(arr, np.float64).astype("<f4")), allow_pickle=False)


def build(arch):
    model, taps = rebuild(arch)
    fixture = json.load(open(os.path.join(FIXTURES, arch, "manifest.json")))
    x = torch.from_numpy(load(arch, "input"))
    with torch.no_grad():
        logits = model(x).numpy()
    stored = load(arch, "logits")
    assert np.abs(logits - stored).max() <= 1e-5 * max(1.0, np.abs(stored).max()), (arch, "rebuilt model differs")
    out = os.path.join(HERE, arch)
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        if old.endswith(".npy"):
            os.remove(os.path.join(out, old))
    entry = {"arch": arch, "onnx": "../fixtures/" + arch + ".onnx", "classes": CLASSES, "taps": [], "dff": {}}
    for tap in fixture["taps"]:
        p = tap["module"]
        a, g = load(arch, "act__" + p), load(arch, "grad__" + p)
        maps = gradient_methods(a, g)
        maps["random-cam"] = random_cam(a)
        maps["fem"] = fem(a)
        maps["kpca-cam"] = np.stack([kpca(im) for im in a])
        maps["seg-eigen-cam"] = np.stack([seg_eigen(im) for im in np.abs(g) * a])
        for name, score in (("finer-cam", finer_score(logits)), ("grad-cam-rest", rest_score),
                            ("grad-cam-softmax", softmax_score)):
            gt = target_gradient(model, p, x, score)
            maps[name] = combine(gt.mean((2, 3)), a)
        maps["score-cam"] = score_cam(model, p, x, a, pytorch=False)
        maps["score-cam-pytorch"] = score_cam(model, p, x, a, pytorch=True)
        maps["ablation-cam"] = ablation_cam(model, p, x, a, logits)
        dff, best, outputs = deep_feature_factorization(model, p, x, a)
        maps["deep-feature-factorization"] = dff
        scores = np.sort(outputs[:, CLASSES].T, axis=1)
        entry["dff"][p] = {"best_concept": best,
                           "score_gap_to_runner_up": [float(s[-1] - s[-2]) if len(s) > 1 else None
                                                      for s in scores]}
        for name, m in maps.items():
            assert m.shape == a.shape[:1] + a.shape[2:], (arch, p, name, m.shape)
            save(os.path.join(out, f"{name}__{p}.npy"), m)
        entry["taps"].append({"module": p, "onnx_tensor": tap["onnx_tensor"], "shape": list(a.shape),
                              "methods": sorted(maps)})
    fg, fg_layers = full_grad(model, x)
    save(os.path.join(out, "full-grad.npy"), fg)
    entry["full_grad_bias_layers"] = fg_layers
    print(f"== {arch}: {len(entry['taps'])} taps, {len(fg_layers)} FullGrad bias layers, DFF {entry['dff']}")
    return entry


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
