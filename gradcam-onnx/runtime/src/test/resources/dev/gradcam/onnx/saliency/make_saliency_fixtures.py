#!/usr/bin/python3
"""Reference pixel-space attributions for gradcam-api's dev.gradcam.api.saliency methods (entry point Saliency) on
the 8 fixture architectures of ../fixtures (issue 5: gradient methods against torch.autograd, 1e-4 relative L2).

Run with Debian bookworm's system interpreter (no PyPI):

    apt-get install -y python3-torch python3-numpy python3-onnx
    /usr/bin/python3 make_saliency_fixtures.py [ARCH ...]

Each fixture model is rebuilt exactly as ../fixtures/make_fixtures.py builds it (its model definitions, seeds and
guided-backprop convention are imported), checked against the stored logits, input gradients and tap tensors, and
then every method below is computed with torch.autograd in float64 (a float64 copy of the float32 weights; inputs
are the float32 fixture input widened) and rounded to float32. Images and targets as in the fixtures: input.npy
[2, 3, 32, 32]; image 0 explains logit 1, image 1 logit 3 (target = sum of those logits, so one backward pass gives
every image's gradient; eval mode, so images do not interact).

Gradient modes (the ReLU-family units are the nn.ReLU / nn.ReLU6 / nn.LeakyReLU modules, exported as ONNX Relu /
Clip(min 0, max 6) / LeakyRelu; the script checks their count against the ONNX graph):
  standard   torch.autograd as is.
  guided     make_fixtures.guided_copy: g_in = g_out * (local gradient) * (g_out > 0).
  deconvnet  g_in = relu(g_out), whatever the unit's input was (ReLU6's upper bound included), as
             dev.gradcam.api.spi.GradientMode.DECONVNET ("ReLU-family units pass back the ReLU of the incoming
             gradient") and the ONNX compiler's GradientModes (Relu, LeakyRelu and Clip with min 0 -> Relu(g)).
             Every other op (MaxPool, BN, SiLU, GELU ...) keeps its standard gradient. MaxPool routes a window's
             gradient to its FIRST maximal element (torch and ONNX Runtime's MaxPool Indices agree); unlike the
             standard and guided modes, deconvnet does not zero the gradient below a ReLU whose input was <= 0, so
             windows of a ReLU -> MaxPool whose maximum is an exact 0 reached several times (vgg: see the fixture
             manifest's maxpool_zero_ties) do route deconvnet gradient by that tie rule.

Files, next to this script (float32, little-endian, C order):

  noise.npy                      [2, S, 3, 32, 32], S = 4: SmoothGrad noise, noise[i, s] for sample s of image i:
                                 N(0, sigma_i^2) with sigma_i = 0.15 * (max(x_i) - min(x_i)) (the paper's noise
                                 level), numpy default_rng(20240605), rounded to float32. The Java test hands it to
                                 SmoothGrad through the builder's noise(Noise) hook, so the noisy images are the same
                                 float32 x_i + noise[i, s] on both sides.
  ARCH/deconvnet.npy             d target / d input, deconvnet mode            (Saliency.deconvnet)
  ARCH/gradient_x_input.npy      x * d target / d input, standard              (Saliency.gradientTimesInput)
  ARCH/integrated_gradients__BASELINE__QUADRATURE__STEPS.npy
                                 (x - x') * sum_k w_k grad f(p_k), p_k = float32(x' + a_k (x - x'))
                                 (IntegratedGradients: x - x' taken in float32 for the point, as Java's float
                                 arithmetic, and in float64 for the final product), a_k, w_k from Quadrature:
                                   riemann_left       a_k = k/n, k = 0..n-1,      w_k = 1/n
                                   riemann_right      a_k = (k+1)/n,              w_k = 1/n
                                   riemann_middle     a_k = (k+0.5)/n,            w_k = 1/n
                                   riemann_trapezoid  a_k = k/(n-1), k = 0..n-1,  w_k = (1/2 at both ends, else 1)/(n-1)
                                   gauss_legendre     numpy leggauss(n) nodes t, weights v: a = (t+1)/2, w = v/2
                                 BASELINE zero (Baselines.zero()) or constant (Baselines.constant(-0.25f, 0.5f,
                                 0.125f), one value per input channel). Two configurations per architecture, together
                                 covering every quadrature with both baselines.
  ARCH/guided_grad_cam__TAP.npy  guided input gradient (every channel) times the Grad-CAM heatmap at module TAP
                                 (GuidedGradCam.of(model, TAP) with Explainer.gradCam's default post-processing):
                                 raw = sum_k mean_ij(G_k) A_k (A, G = activation and standard gradient of TAP),
                                 ReLU, per-image (m - min) / (max - min + 1e-7), then F.interpolate to 32x32,
                                 mode bilinear, align_corners=False.
  ARCH/smooth_grad__BASE__VARIANT.npy
                                 g_s = BASE (vanilla = standard, guided) input gradient of the noisy image
                                 float32(x_i + noise[i, s]), s = 0..S-1, target classes as above;
                                 plain = mean_s g_s, squared = mean_s g_s^2, var_grad = mean_s (g_s - mean)^2
                                 (SmoothGrad variants PLAIN, SQUARED, VAR_GRAD). Two (BASE, VARIANT) per
                                 architecture, together covering all six twice or more.
  manifest.json                  per architecture and file: the float32 torch computation against the float64 one
                                 (relative L2 per image, at most ~4e-6: the rounding floor of a float32 runtime),
                                 norms, the integrated-gradients completeness gap (sum vs f(x) - f(x')), the raw
                                 Grad-CAM range; cross-checks against ../fixtures (guided input gradient, tap
                                 tensors, Gradient x Input = input_grad * input); and "nearest_alternatives_rel_l2":
                                 how far each reference is from a slightly wrong implementation (deconvnet vs the
                                 standard / guided gradient, integrated gradients with another quadrature or one
                                 step more or less, Guided Grad-CAM upsampled with align_corners=True), i.e. what
                                 the 1e-4 tolerance can tell apart. efficientnet (SiLU) and convnext (GELU) have no
                                 ReLU-family unit: there deconvnet and guided gradients equal the standard one.

Deterministic: rerunning rewrites identical .npy bytes. Optional arguments name a subset of architectures (the noise
and the manifest entries of the others are kept).
"""
import copy
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
sys.path.insert(0, FIXTURES)
sys.dont_write_bytecode = True   # no __pycache__ next to the committed fixtures
import make_fixtures as mf  # noqa: E402  (model definitions, seeds and guided backprop of the fixtures)

CLASSES = mf.CLASSES
SAMPLES = 4
NOISE_LEVEL = 0.15
NOISE_SEED = 20240605
CONSTANT_BASELINE = [-0.25, 0.5, 0.125]   # per input channel, exact in float32

# Per architecture: Guided Grad-CAM tap, two Integrated Gradients settings (baseline, quadrature, steps) and two
# SmoothGrad settings (base, variant).
PLAN = {
    "resnet_basic": ("layer2.0",
                     [("zero", "gauss_legendre", 16), ("constant", "riemann_trapezoid", 9)],
                     [("vanilla", "plain"), ("guided", "var_grad")]),
    "resnet_bottleneck": ("layer2.0",
                          [("zero", "riemann_right", 12), ("constant", "riemann_middle", 10)],
                          [("guided", "plain"), ("vanilla", "squared")]),
    "vgg": ("features.11",
            [("zero", "riemann_left", 8), ("constant", "gauss_legendre", 12)],
            [("vanilla", "var_grad"), ("guided", "squared")]),
    "densenet": ("features.transition1",
                 [("zero", "riemann_middle", 16), ("constant", "riemann_left", 8)],
                 [("guided", "plain"), ("vanilla", "var_grad")]),
    "mobilenetv2": ("features.4",
                    [("zero", "riemann_trapezoid", 11), ("constant", "riemann_right", 10)],
                    [("vanilla", "plain"), ("guided", "squared")]),
    "efficientnet": ("features.3",
                     [("zero", "gauss_legendre", 5), ("constant", "riemann_trapezoid", 6)],
                     [("vanilla", "squared"), ("guided", "var_grad")]),
    "squeezenet": ("features.1",
                   [("zero", "riemann_right", 20), ("constant", "gauss_legendre", 8)],
                   [("guided", "plain"), ("vanilla", "var_grad")]),
    "convnext": ("features.3",
                 [("zero", "riemann_middle", 6), ("constant", "riemann_left", 16)],
                 [("vanilla", "plain"), ("guided", "squared")]),
}


# ----------------------------------------------------------------------------------------------
# Deconvnet activations (guided ones come from make_fixtures)
# ----------------------------------------------------------------------------------------------
DECONV_CALLS = [0]


class _DeconvFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, lo, hi, alpha):
        DECONV_CALLS[0] += 1
        if alpha is not None:
            return torch.where(x > 0, x, x * alpha)
        y = torch.clamp(x, min=lo)
        return y if hi is None else torch.clamp(y, max=hi)

    @staticmethod
    def backward(ctx, g):
        return torch.relu(g), None, None, None


class DeconvAct(nn.Module):
    def __init__(self, lo=0.0, hi=None, alpha=None):
        super().__init__()
        self.lo, self.hi, self.alpha = lo, hi, alpha

    def forward(self, x):
        return _DeconvFn.apply(x, self.lo, self.hi, self.alpha)


def deconv_copy(model):
    m = copy.deepcopy(model)
    for mod in list(m.modules()):
        for cname, child in list(mod.named_children()):
            if isinstance(child, nn.ReLU6):
                setattr(mod, cname, DeconvAct(0.0, 6.0))
            elif isinstance(child, nn.ReLU):
                setattr(mod, cname, DeconvAct(0.0, None))
            elif isinstance(child, nn.LeakyReLU):
                setattr(mod, cname, DeconvAct(alpha=child.negative_slope))
    return m


# ----------------------------------------------------------------------------------------------
# Quadratures, as dev.gradcam.api.saliency.Quadrature
# ----------------------------------------------------------------------------------------------
QUADRATURES = ["riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid", "gauss_legendre"]


def quadrature(name, n):
    k = np.arange(n, dtype=np.float64)
    if name == "riemann_left":
        return k / n, np.full(n, 1.0 / n)
    if name == "riemann_right":
        return (k + 1) / n, np.full(n, 1.0 / n)
    if name == "riemann_middle":
        return (k + 0.5) / n, np.full(n, 1.0 / n)
    if name == "riemann_trapezoid":
        assert n >= 2
        w = np.where((k == 0) | (k == n - 1), 0.5, 1.0) / (n - 1)
        return k / (n - 1), w
    if name == "gauss_legendre":
        t, v = np.polynomial.legendre.leggauss(n)
        return (t + 1) / 2, v / 2
    raise ValueError(name)


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------
def save_npy(path, arr):
    np.save(path, np.ascontiguousarray(np.asarray(arr, dtype=np.float64).astype("<f4")), allow_pickle=False)


def load(arch, name):
    return np.load(os.path.join(FIXTURES, arch, name + ".npy"))


def rel_l2(a, ref):
    a, ref = np.asarray(a, np.float64), np.asarray(ref, np.float64)
    n = np.linalg.norm(ref)
    d = np.linalg.norm(a - ref)
    return float(d / n) if n > 0 else float(d)


def per_image_rel(a, ref):
    return [rel_l2(a[i], ref[i]) for i in range(ref.shape[0])]


def rebuild(arch):
    ctor, _ = mf.ARCHS[arch]
    torch.manual_seed(0)
    model = ctor()
    mf.randomize_norms(model, torch.Generator().manual_seed(1234))
    return model.eval()


def input_grad(model, xs, classes):
    """d sum_r logits[r, classes[r]] / d xs for a batch xs (numpy, the model's dtype)."""
    xi = torch.from_numpy(np.ascontiguousarray(xs)).requires_grad_(True)
    logits = model(xi)
    target = logits[torch.arange(len(classes)), torch.tensor(classes)].sum()
    (g,) = torch.autograd.grad(target, xi)
    return g.detach().numpy()


def tap_pass(model, x, classes, path):
    """Activation and standard gradient of module `path`."""
    acts = {}
    module = dict(model.named_modules())[path]
    h = module.register_forward_hook(lambda m, i, o: acts.__setitem__("a", o))
    try:
        logits = model(torch.from_numpy(x))
    finally:
        h.remove()
    target = logits[torch.arange(len(classes)), torch.tensor(classes)].sum()
    (g,) = torch.autograd.grad(target, acts["a"])
    return acts["a"].detach().numpy(), g.detach().numpy()


def grad_cam_heatmap(a, g, size):
    raw = (g.mean(axis=(2, 3))[:, :, None, None] * a).sum(1)
    m = np.maximum(raw, 0)
    lo = m.min(axis=(1, 2), keepdims=True)
    hi = m.max(axis=(1, 2), keepdims=True)
    m = (m - lo) / (hi - lo + 1e-7)
    up = F.interpolate(torch.from_numpy(m)[:, None], size=size, mode="bilinear", align_corners=False)
    return up[:, 0].numpy(), raw


def baseline_of(name, x32):
    if name == "zero":
        return np.zeros_like(x32)
    if name == "constant":
        return np.broadcast_to(np.array(CONSTANT_BASELINE, np.float32)[None, :, None, None], x32.shape).copy()
    raise ValueError(name)


def integrated_gradients(std, x32, x0, quad, steps, dtype):
    """IntegratedGradients: (x - x') * sum_k w_k grad f(float32(x' + a_k float32(x - x')))."""
    n = x32.shape[0]
    alphas, weights = quadrature(quad, steps)
    diff32 = (x32 - x0).astype(np.float32)   # Java: x[e] - x0[e] in float
    rows, classes = [], []
    for i in range(n):
        for a in alphas:
            rows.append((x0[i].astype(np.float64) + a * diff32[i].astype(np.float64)).astype(np.float32))
            classes.append(CLASSES[i])
    g = input_grad(std, np.stack(rows).astype(dtype), classes).astype(np.float64)
    g = g.reshape((n, steps) + x32.shape[1:])
    integral = (weights[None, :, None, None, None] * g).sum(1)
    return (x32.astype(np.float64) - x0.astype(np.float64)) * integral


def nearest_alternatives(arch, model64, x32, out64):
    """How far each reference is from what a slightly wrong implementation would give (min over images of the
    relative L2 distance): shows what the 1e-4 tolerance can tell apart."""
    tap, igs, _ = PLAN[arch]
    res = {"deconvnet": {"vs standard input gradient": min(per_image_rel(load(arch, "input_grad"),
                                                                         out64["deconvnet"])),
                         "vs guided input gradient": min(per_image_rel(load(arch, "input_grad_guided"),
                                                                       out64["deconvnet"]))}}
    for base_name, quad, steps in igs:
        key = f"integrated_gradients__{base_name}__{quad}__{steps}"
        x0 = baseline_of(base_name, x32)
        alt = {}
        for q in QUADRATURES:
            for st in (steps - 1, steps, steps + 1):
                if (q == quad) != (st == steps) and st >= 2:
                    alt[f"{q} {st}"] = min(per_image_rel(
                        integrated_gradients(model64, x32, x0, q, st, np.float64), out64[key]))
        best = min(alt, key=alt.get)
        res[key] = {"nearest": best, "rel_l2": alt[best]}
    a, g = tap_pass(model64, x32.astype(np.float64), CLASSES, tap)
    raw = (g.mean(axis=(2, 3))[:, :, None, None] * a).sum(1)
    m = np.maximum(raw, 0)
    m = (m - m.min(axis=(1, 2), keepdims=True)) / (m.max(axis=(1, 2), keepdims=True)
                                                  - m.min(axis=(1, 2), keepdims=True) + 1e-7)
    up = F.interpolate(torch.from_numpy(m)[:, None], size=(32, 32), mode="bilinear", align_corners=True)[:, 0]
    key = f"guided_grad_cam__{tap}"
    res[key] = {"align_corners=True": max(per_image_rel(load(arch, "input_grad_guided").astype(np.float64)
                                                        * up.numpy()[:, None], out64[key]))}
    return res


def make_noise(x32):
    rng = np.random.default_rng(NOISE_SEED)
    n = x32.shape[0]
    out = np.empty((n, SAMPLES) + x32.shape[1:], np.float32)
    for i in range(n):
        sigma = NOISE_LEVEL * (float(x32[i].max()) - float(x32[i].min()))
        out[i] = (sigma * rng.standard_normal((SAMPLES,) + x32.shape[1:])).astype(np.float32)
    return out


# ----------------------------------------------------------------------------------------------
# The methods, for one model copy set in one dtype
# ----------------------------------------------------------------------------------------------
def compute(models, x32, noise, plan, dtype):
    """Every reference of one architecture; `models` maps mode -> model in `dtype`."""
    std, guided, deconv = models["standard"], models["guided"], models["deconvnet"]
    x = x32.astype(dtype)
    n = x.shape[0]
    out, extra = {}, {}

    out["deconvnet"] = input_grad(deconv, x, CLASSES)
    out["gradient_x_input"] = x32.astype(np.float64) * input_grad(std, x, CLASSES)

    tap, igs, sgs = plan
    for base_name, quad, steps in igs:
        x0 = baseline_of(base_name, x32)
        attr = integrated_gradients(std, x32, x0, quad, steps, dtype)
        key = f"integrated_gradients__{base_name}__{quad}__{steps}"
        out[key] = attr
        with torch.no_grad():
            fx = std(torch.from_numpy(x)).numpy().astype(np.float64)
            fb = std(torch.from_numpy(x0.astype(dtype))).numpy().astype(np.float64)
        extra[key] = [{"sum": float(attr[i].sum()), "f(x)-f(baseline)": float(fx[i, c] - fb[i, c])}
                      for i, c in enumerate(CLASSES)]

    a, gt = tap_pass(std, x, CLASSES, tap)
    heat, raw = grad_cam_heatmap(a.astype(np.float64), gt.astype(np.float64), x.shape[-2:])
    ginG = input_grad(guided, x, CLASSES).astype(np.float64)
    out[f"guided_grad_cam__{tap}"] = ginG * heat[:, None]
    extra[f"guided_grad_cam__{tap}"] = {
        "raw_grad_cam_max_per_image": [float(r.max()) for r in raw],
        "raw_grad_cam_min_per_image": [float(r.min()) for r in raw],
        "layer_shape": list(a.shape)}

    for base, variant in sgs:
        m = std if base == "vanilla" else guided
        noisy = (x32[:, None] + noise).astype(np.float32)          # float32 add, as Java
        flat = noisy.reshape((-1,) + x32.shape[1:])
        classes = [CLASSES[i] for i in range(n) for _ in range(SAMPLES)]
        g = input_grad(m, flat.astype(dtype), classes).astype(np.float64).reshape(noisy.shape)
        mean = g.mean(1)
        if variant == "plain":
            r = mean
        elif variant == "squared":
            r = (g * g).mean(1)
        else:
            r = ((g - mean[:, None]) ** 2).mean(1)
        out[f"smooth_grad__{base}__{variant}"] = r
    return out, extra, a, gt, ginG


def build(arch, noise, x_check):
    model = rebuild(arch)
    model64 = copy.deepcopy(model).double().eval()
    x32 = load(arch, "input")
    assert np.array_equal(x32, x_check), "every fixture has the same input"

    # the rebuilt model is the fixture model
    with torch.no_grad():
        logits = model64(torch.from_numpy(x32.astype(np.float64))).numpy()
    assert rel_l2(logits, load(arch, "logits")) < 1e-6, arch

    om = onnx.load(os.path.join(FIXTURES, arch + ".onnx"))
    units = sum(nd.op_type in ("Relu", "Clip", "LeakyRelu") for nd in om.graph.node)
    for nd in om.graph.node:
        if nd.op_type == "Clip":   # ReLU6: min input is a Constant 0 (deconvnet treats it as ReLU-like)
            assert len(nd.input) >= 2 and nd.input[1], (arch, nd.name)

    results = {}
    for dtype, base in ((np.float64, model64), (np.float32, model)):
        models = {"standard": base, "guided": mf.guided_copy(base), "deconvnet": deconv_copy(base)}
        DECONV_CALLS[0] = 0
        res = compute(models, x32, noise, PLAN[arch], dtype)
        assert DECONV_CALLS[0] == units, (arch, DECONV_CALLS[0], units)   # one forward pass
        results[dtype] = res
    out64, extra, a, gt, ginG = results[np.float64]
    out32 = results[np.float32][0]

    # cross-checks against the committed fixtures (float32 of float64 torch values)
    tap = PLAN[arch][0]
    checks = {
        "input_grad_guided_vs_fixture": rel_l2(ginG, load(arch, "input_grad_guided")),
        "gradient_x_input_vs_fixture_input_grad_times_input":
            rel_l2(out64["gradient_x_input"], x32.astype(np.float64) * load(arch, "input_grad")),
    }
    if os.path.exists(os.path.join(FIXTURES, arch, f"act__{tap}.npy")):   # a tap of the fixtures
        checks[f"act__{tap}_vs_fixture"] = rel_l2(a, load(arch, f"act__{tap}"))
        checks[f"grad__{tap}_vs_fixture"] = rel_l2(gt, load(arch, f"grad__{tap}"))
    else:
        checks[f"{tap}_maxpool_zero_ties"] = mf.count_maxpool_zero_ties(model64, tap, a)
    for k, v in checks.items():
        assert k.endswith("_ties") or v < 1e-6, (arch, k, v)
    if units == 0:
        checks["deconvnet_vs_standard_input_grad (no ReLU units)"] = \
            rel_l2(out64["deconvnet"], load(arch, "input_grad"))
        assert checks["deconvnet_vs_standard_input_grad (no ReLU units)"] < 1e-6

    outdir = os.path.join(HERE, arch)
    os.makedirs(outdir, exist_ok=True)
    for old in os.listdir(outdir):
        if old.endswith(".npy"):
            os.remove(os.path.join(outdir, old))
    files = {}
    for key, arr in out64.items():
        assert arr.shape == x32.shape, (key, arr.shape)
        save_npy(os.path.join(outdir, key + ".npy"), arr)
        f32 = per_image_rel(out32[key], arr)
        files[key + ".npy"] = {
            "torch_float32_vs_float64_rel_l2_per_image": f32,
            "norm_per_image": [float(np.linalg.norm(arr[i])) for i in range(arr.shape[0])],
        }
        if key in extra:
            files[key + ".npy"]["details"] = extra[key]
    print(f"== {arch}: relu-family units {units}")
    for k, v in files.items():
        print(f"   {k:58s} f32 vs f64 {max(v['torch_float32_vs_float64_rel_l2_per_image']):.1e}  "
              f"norms {v['norm_per_image'][0]:.3g} {v['norm_per_image'][1]:.3g}")
    alternatives = nearest_alternatives(arch, model64, x32, out64)
    for k, v in alternatives.items():
        print(f"   nearest alternative to {k}: {v}")
    return {"relu_family_units": units, "guided_grad_cam_tap": tap, "checks": checks, "files": files,
            "nearest_alternatives_rel_l2": alternatives}


def main():
    archs = sys.argv[1:] or list(PLAN)
    x32 = load("resnet_basic", "input")
    noise = make_noise(x32)
    save_npy(os.path.join(HERE, "noise.npy"), noise)
    mpath = os.path.join(HERE, "manifest.json")
    manifest = {"archs": {}}
    if os.path.exists(mpath) and sys.argv[1:]:
        with open(mpath) as fh:
            manifest = json.load(fh)
    manifest.update({
        "classes": CLASSES,
        "target": "sum_n logits[n, classes[n]]",
        "smooth_grad_noise": {"file": "noise.npy", "shape": list(noise.shape), "level": NOISE_LEVEL,
                              "seed": NOISE_SEED, "generator": "numpy default_rng standard_normal"},
        "constant_baseline_per_channel": CONSTANT_BASELINE,
        "made_with": {"torch": torch.__version__, "numpy": np.__version__},
    })
    for a in archs:
        manifest["archs"][a] = build(a, noise, x32)
    manifest["archs"] = {k: manifest["archs"][k] for k in PLAN if k in manifest["archs"]}
    with open(mpath, "w") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")


if __name__ == "__main__":
    main()
