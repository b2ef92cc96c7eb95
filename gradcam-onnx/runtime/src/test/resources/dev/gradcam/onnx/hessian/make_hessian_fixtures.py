#!/usr/bin/python3
"""Second-order references: Hessian-vector products and ShapleyCAM maps on the 8 fixture architectures of
../fixtures, from torch's double backward in float64 (issue 13).

Run with Debian bookworm's system interpreter (no PyPI):

    apt-get install -y python3-torch python3-numpy
    /usr/bin/python3 make_hessian_fixtures.py [ARCH ...]

It rebuilds each fixture model as ../methods/make_method_fixtures.py does (same definitions, seeds and check
against the stored logits) and, for every tap (a module's output A) and three targets summed over the batch
(image 0 -> class 1, image 1 -> class 3):

  logit     y_c
  softmax   softmax(y)_c
  rest      y_c - cross_entropy(y, c)             (ReST, Cai et al. 2025)

computes with torch.autograd in float64

  g   = d T / d A                                 torch.autograd.grad(T, A, create_graph=True)
  H A = d (g . v) / d A at v = A, v held constant torch.autograd.grad(g, A, grad_outputs=A)

(pytorch-grad-cam's ShapleyCAM.get_cam_weights: an unused graph means H A = 0) and the raw ShapleyCAM map at layer
resolution, sum_k w_k A_k with w_k = mean_ij (g - 0.5 H A)_k (Cai et al. 2025, Eq. of the second-order Taylor
Shapley estimate), before ReLU and normalisation.

Output: ARCH/hvp-TARGET__P.npy (float32 [2, K, h, w]), ARCH/shapley-cam-TARGET__P.npy (float32 [2, h, w]),
manifest.json (taps, tensors, norms; a zero H A is recorded as such). Deterministic.

With `conv3d` as the argument (or with no argument) it also writes conv3d/shapley-cam-TARGET__P.npy next to
../conv3d's fixture (5-D maps, means over d, h, w), for Conv3dMethodsTest.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "methods"))
sys.dont_write_bytecode = True
import make_method_fixtures as mm  # noqa: E402  (rebuild, load, save, the fixtures' models)

CLASSES = mm.CLASSES
TARGETS = {
    "logit": lambda y, n: y[n, CLASSES[n]],
    "softmax": lambda y, n: torch.softmax(y[n], -1)[CLASSES[n]],
    "rest": lambda y, n: y[n, CLASSES[n]] - F.cross_entropy(y[n:n + 1], torch.tensor([CLASSES[n]])),
}


def second_order(model, path, x, score):
    """(A, g, H A) at module `path`, float64."""
    module = dict(model.named_modules())[path]
    acts = {}
    handle = module.register_forward_hook(lambda m, i, o: acts.__setitem__("a", o))
    try:
        logits = model(x)
    finally:
        handle.remove()
    a = acts["a"]
    total = sum(score(logits, n) for n in range(x.shape[0]))
    (g,) = torch.autograd.grad(total, a, create_graph=True)
    if g.requires_grad:
        (hvp,) = torch.autograd.grad(g, a, grad_outputs=a.detach(), allow_unused=True)
    else:
        hvp = None
    hvp = torch.zeros_like(a) if hvp is None else hvp
    return a.detach().numpy(), g.detach().numpy(), hvp.detach().numpy()


def build(arch):
    model, _ = mm.rebuild(arch)
    fixture = json.load(open(os.path.join(mm.FIXTURES, arch, "manifest.json")))
    x = torch.from_numpy(mm.load(arch, "input"))
    with torch.no_grad():
        logits = model(x).numpy()
    stored = mm.load(arch, "logits")
    assert np.abs(logits - stored).max() <= 1e-5 * max(1.0, np.abs(stored).max()), (arch, "rebuilt model differs")
    out = os.path.join(HERE, arch)
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        if old.endswith(".npy"):
            os.remove(os.path.join(out, old))
    entry = {"arch": arch, "onnx": "../fixtures/" + arch + ".onnx", "classes": CLASSES, "taps": []}
    for tap in fixture["taps"]:
        p = tap["module"]
        norms = {}
        for name, score in TARGETS.items():
            a, g, hvp = second_order(model, p, x, score)
            w = (g - 0.5 * hvp).mean(axis=tuple(range(2, a.ndim)))
            mm.save(os.path.join(out, f"hvp-{name}__{p}.npy"), hvp)
            mm.save(os.path.join(out, f"shapley-cam-{name}__{p}.npy"), mm.combine(w, a))
            norms[name] = {"grad": float(np.linalg.norm(g)), "hvp": float(np.linalg.norm(hvp))}
        entry["taps"].append({"module": p, "onnx_tensor": tap["onnx_tensor"], "shape": list(a.shape),
                              "norms": norms})
    print(f"== {arch}: " + ", ".join(f"{t['module']} |HA| " + " ".join(f"{k}={v['hvp']:.3g}"
                                                                        for k, v in t["norms"].items())
                                      for t in entry["taps"]))
    return entry


def build_conv3d():
    sys.path.insert(0, os.path.join(HERE, "..", "conv3d"))
    import make_conv3d_fixture as c3  # noqa: E402  (the Conv3d model, its seeds and taps)
    model = c3.build().double()
    x = torch.from_numpy(np.load(os.path.join(c3.HERE, "input.npy")).astype(np.float64))
    for p in c3.TAPS:
        for name, score in TARGETS.items():
            a, g, hvp = second_order(model, p, x, score)
            w = (g - 0.5 * hvp).mean(axis=(2, 3, 4))
            mm.save(os.path.join(c3.HERE, f"shapley-cam-{name}__{p}.npy"), (w[:, :, None, None, None] * a).sum(1))
            print(f"== conv3d {p} {name}: |H A| {np.linalg.norm(hvp):.3g}")


def main():
    args = sys.argv[1:]
    if not args or "conv3d" in args:
        build_conv3d()
    archs = [a for a in args if a != "conv3d"] or ([] if args else list(mm.mf.ARCHS))
    manifest_path = os.path.join(HERE, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    for arch in archs:
        manifest[arch] = build(arch)
    manifest = {k: manifest[k] for k in mm.mf.ARCHS if k in manifest}
    with open(manifest_path, "w") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
