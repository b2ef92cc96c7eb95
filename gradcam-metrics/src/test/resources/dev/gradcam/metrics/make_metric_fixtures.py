#!/usr/bin/python3
"""Reference values for the gradcam-metrics tests: the published metric definitions, in float64.

Run with Debian bookworm's system interpreter and packages (no PyPI):

    apt-get install -y python3-torch python3-onnx python3-scipy python3-numpy
    /usr/bin/python3 make_metric_fixtures.py

(made with Debian's python3-torch 1.13.1, python3-scipy 1.10.1, python3-numpy 1.24.2). Output is deterministic.

Writes, next to this script:
  metrics_cnn.onnx   a small CNN: Conv(3->8,3x3,p1)-ReLU-Conv(8->16,3x3,s2,p1)-ReLU-Conv(16->16,3x3,p1)-ReLU-
                     GlobalAveragePool-Linear(16->10), weights from torch.manual_seed(0) (default init, then
                     scaled so logits spread); input "input" [N,3,16,16], output "logits" [N,10]; opset 17
  images.npy         [2,3,16,16] float32, seeded N(0,1)
  maps.npy           [2,16,16] float32 in [0,1]: a Gaussian blob plus seeded noise, min-max normalised
  masks.npy          [2,16,16] float32 object masks (boxes)
  attributions.npy   [2,3,16,16] float32: gradient x input of the target logit (torch autograd, float64)
  infidelity_noise.npy   [2,4,3,16,16] float32 Gaussian perturbations (sigma 0.1) for infidelity
  sensitivity_noise.npy  [2,4,3,16,16] float32 uniform perturbations (radius 0.02) for max-sensitivity
  expected.txt       one line per value list: NAME v0 v1 ... (float64 repr)

Targets: image 0 -> logit 1, image 1 -> logit 3 (pytorch-grad-cam's ClassifierOutputTarget). The model runs in
float64 (a float64 copy of the float32 weights; inputs widened from float32).

Definitions (the sources they follow):
  ROAD (pytorch_grad_cam/metrics/road.py, perturbation_confidence.py, noise 0): at percentile P, MoRF keeps the
    pixels with map < np.percentile(map, P) and imputes the rest; LeRF does the same on 1 - map. Imputation: for
    removed pixel i, sum_j w_j x_i - sum_{j removed} w_j x_j = sum_{j kept} w_j v_j over in-image 8-neighbours j,
    w = 1/6 (edge) and 1/12 (corner), solved with scipy.sparse.linalg.spsolve per channel. Score: target(imputed)
    - target(clean). Averages over 10..90; combined = (mean LeRF - mean MoRF) / 2.
  Confidence change (cam_mult_image.py): target(image * map) - target(image); drop = max(0, -change);
    increase = change > 0.
  Deletion / insertion (Petsiuk et al. 2018): ranking np.argsort(-map, kind="stable"); S steps; point k replaces
    the first floor(k*H*W/S) ranked pixels (all channels) by the baseline (deletion) or puts the image's pixels
    into the baseline (insertion); area by the trapezoidal rule over the fractions removed. Baselines: zero; blur
    (normalised 11x11 Gaussian, sigma 5, separable, zero padded, per channel); mean (per-channel image mean).
  ARCC (arcc.py): complexity = mean |map|; coherency = (pearson(map', map) + 1) / 2 with sample moments and
    1e-8 added to the std product, map' = method(image * map); here the "method" is a fixed function of the image
    (squared channel mean, divided by its max), so the test checks the metric, not a CAM; ARCC = 3 / (1/(coh+1e-8)
    + 1/(1-complexity+1e-8) + 1/(clip(2*road,0,1)+1e-8)), road = ROAD-combined at 20/40/60/80.
  Sparseness (Quantus Sparseness, Chalasani et al.): Gini of sorted |a| + 1e-7.
  Entropy complexity (Quantus Complexity, Bhatt et al.): entropy of |a| / sum |a| (natural log).
  Pointing game (Zhang et al.): argmax (first, row-major) inside the mask (tolerance 0) and within 2 pixels.
  Energy pointing game (Wang et al.): sum(max(map,0) in mask) / sum(max(map,0)).
  Relevance mass / rank accuracy (Arras et al.).
  Infidelity (Captum, normalize=False): mean_j (sum(attr * I_j) - (f(x) - f(x - I_j)))^2.
  Max-sensitivity (Captum sensitivity_max, norm 'fro'): max_j ||e(x + d_j) - e(x)|| / ||e(x)||, e(x) = x * x.
"""
import os

import numpy as np
import scipy.sparse
import scipy.sparse.linalg
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
CLASSES = [1, 3]
N, C, H, W = 2, 3, 16, 16
PERCENTILES = [10, 20, 30, 40, 50, 60, 70, 80, 90]
STEPS = 8


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


def build_model():
    torch.manual_seed(0)
    m = Net().eval()
    with torch.no_grad():
        for p in m.parameters():
            p.mul_(2.0)
    return m


def save(name, a):
    np.save(os.path.join(HERE, name), np.ascontiguousarray(a, dtype=np.float32))


def main():
    model = build_model()
    path = os.path.join(HERE, "metrics_cnn.onnx")
    torch.onnx.export(model, torch.zeros(1, C, H, W), path, opset_version=17, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    m64 = build_model().double()

    rng = np.random.default_rng(15)
    images = rng.standard_normal((N, C, H, W)).astype(np.float32)
    yy, xx = np.mgrid[0:H, 0:W]
    maps = []
    for cy, cx in [(4.0, 5.0), (11.0, 9.0)]:
        blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 3.0 ** 2)) + 0.3 * rng.random((H, W))
        blob = (blob - blob.min()) / (blob.max() - blob.min())
        maps.append(blob)
    maps = np.array(maps, dtype=np.float32)
    masks = np.zeros((N, H, W), dtype=np.float32)
    masks[0, 2:7, 3:8] = 1
    masks[1, 2:6, 10:15] = 1   # away from the blob: a miss for the pointing game
    save("images.npy", images)
    save("maps.npy", maps)
    save("masks.npy", masks)

    x64 = torch.from_numpy(images.astype(np.float64))
    maps64 = maps.astype(np.float64)

    def f(batch):
        with torch.no_grad():
            out = m64(torch.as_tensor(np.asarray(batch, dtype=np.float64)))
        return out

    def scores(batch, classes):
        out = f(batch)
        return np.array([out[i, c].item() for i, c in enumerate(classes)])

    clean = scores(images, CLASSES)
    lines = []

    def put(name, values):
        lines.append(name + " " + " ".join(repr(float(v)) for v in np.ravel(values)))

    put("clean", clean)

    # ROAD
    def impute(img, keep):
        c, h, w = img.shape
        keepf = keep.reshape(-1)
        removed = np.flatnonzero(~keepf)
        if len(removed) == 0:
            return img.copy()
        vid = -np.ones(h * w, dtype=int)
        vid[removed] = np.arange(len(removed))
        A = scipy.sparse.lil_matrix((len(removed), len(removed)))
        b = np.zeros((len(removed), c))
        flat = img.reshape(c, -1)
        for i, p in enumerate(removed):
            y, x = divmod(p, w)
            total = 0.0
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    if dy == 0 and dx == 0:
                        continue
                    ny, nx = y + dy, x + dx
                    if ny < 0 or nx < 0 or ny >= h or nx >= w:
                        continue
                    wt = 1 / 12 if dy != 0 and dx != 0 else 1 / 6
                    total += wt
                    q = ny * w + nx
                    if keepf[q]:
                        b[i] += wt * flat[:, q]
                    else:
                        A[i, vid[q]] = -wt
            A[i, i] = total
        sol = scipy.sparse.linalg.spsolve(scipy.sparse.csc_matrix(A), b)
        sol = sol.reshape(len(removed), c)
        out = flat.copy()
        out[:, removed] = sol.T
        return out.reshape(c, h, w)

    def road(order, p):
        res = []
        for i in range(N):
            m = maps64[i] if order == "morf" else 1 - maps64[i]
            keep = m < np.percentile(m, p)
            imp = impute(images[i].astype(np.float64), keep)
            res.append(scores(imp[None], [CLASSES[i]])[0] - clean[i])
        return np.array(res)

    morf = {p: road("morf", p) for p in PERCENTILES}
    lerf = {p: road("lerf", p) for p in PERCENTILES}
    for p in PERCENTILES:
        put("road-morf:%d" % p, morf[p])
        put("road-lerf:%d" % p, lerf[p])
    morf_avg = np.mean([morf[p] for p in PERCENTILES], axis=0)
    lerf_avg = np.mean([lerf[p] for p in PERCENTILES], axis=0)
    put("road-morf", morf_avg)
    put("road-lerf", lerf_avg)
    put("road-combined", (lerf_avg - morf_avg) / 2)
    arcc_ps = [20, 40, 60, 80]
    road_arcc = (np.mean([lerf[p] for p in arcc_ps], axis=0) - np.mean([morf[p] for p in arcc_ps], axis=0)) / 2
    put("road-combined-arcc", road_arcc)

    # Confidence change
    mult = images.astype(np.float64) * maps64[:, None]
    change = scores(mult, CLASSES) - clean
    put("confidence-change", change)
    put("drop-in-confidence", np.maximum(-change, 0))
    put("increase-in-confidence", (change > 0).astype(np.float64))

    # Deletion / insertion
    def blur(img):
        r = 5
        k = np.exp(-(np.arange(-r, r + 1) ** 2) / (2 * 5.0 ** 2))
        k /= k.sum()
        out = np.zeros_like(img)
        for c in range(img.shape[0]):
            padded = np.pad(img[c], r)
            rows = np.array([[np.dot(k, padded[y, x:x + 2 * r + 1]) for x in range(W)] for y in range(H + 2 * r)])
            out[c] = np.array([[np.dot(k, rows[y:y + 2 * r + 1, x]) for x in range(W)] for y in range(H)])
        return out

    def baseline(kind, img):
        if kind == "zero":
            return np.zeros_like(img)
        if kind == "mean":
            return np.broadcast_to(img.mean(axis=(1, 2), keepdims=True), img.shape).copy()
        return blur(img)

    for kind in ["zero", "blur", "mean"]:
        for name in ["deletion", "insertion"]:
            areas = []
            for i in range(N):
                img = images[i].astype(np.float64)
                base = baseline(kind, img)
                order = np.argsort(-maps[i].reshape(-1), kind="stable")
                curve = []
                fractions = []
                for k in range(STEPS + 1):
                    cnt = (k * H * W) // STEPS
                    if name == "deletion":
                        cur = img.reshape(C, -1).copy()
                        cur[:, order[:cnt]] = base.reshape(C, -1)[:, order[:cnt]]
                    else:
                        cur = base.reshape(C, -1).copy()
                        cur[:, order[:cnt]] = img.reshape(C, -1)[:, order[:cnt]]
                    curve.append(scores(cur.reshape(1, C, H, W), [CLASSES[i]])[0])
                    fractions.append(cnt / (H * W))
                curve = np.array(curve)
                put("%s.%s.curve%d" % (name, kind, i), curve)
                areas.append(np.trapz(curve, fractions))
            put("%s.%s" % (name, kind), areas)

    # ARCC
    complexity = np.abs(maps64).reshape(N, -1).mean(axis=1)
    put("complexity", complexity)

    def image_method(batch):
        e = np.asarray(batch, dtype=np.float64).mean(axis=1) ** 2
        return e / e.reshape(len(e), -1).max(axis=1)[:, None, None]

    again = image_method(mult)
    coh = []
    for i in range(N):
        a = again[i].reshape(-1)
        b = maps64[i].reshape(-1)
        ac, bc = a - a.mean(), b - b.mean()
        n = len(a)
        cov = (ac * bc).sum() / (n - 1)
        rho = cov / (np.sqrt((ac ** 2).sum() / (n - 1)) * np.sqrt((bc ** 2).sum() / (n - 1)) + 1e-8)
        coh.append((rho + 1) / 2)
    coh = np.array(coh)
    put("coherency", coh)
    r = np.clip(road_arcc * 2, 0, 1)
    put("arcc", 3 * (1 / (coh + 1e-8) + 1 / ((1 - complexity) + 1e-8) + 1 / (r + 1e-8)) ** -1)

    # Complexity family
    gini = []
    ent = []
    for i in range(N):
        a = np.sort(np.abs(maps64[i].reshape(-1)) + 1e-7)
        n = len(a)
        gini.append(np.sum((2 * np.arange(1, n + 1) - n - 1) * a) / (n * np.sum(a)))
        q = np.abs(maps64[i].reshape(-1))
        q = q / q.sum()
        q = q[q > 0]
        ent.append(-np.sum(q * np.log(q)))
    put("sparseness", gini)
    put("entropy", ent)

    # Localisation
    pg, pg2, epg, mass, rank = [], [], [], [], []
    for i in range(N):
        m = maps64[i]
        peak = int(np.argmax(m))
        py, px = divmod(peak, W)
        pg.append(float(masks[i, py, px] != 0))
        near = [(y, x) for y in range(H) for x in range(W)
                if (y - py) ** 2 + (x - px) ** 2 <= 4 and masks[i, y, x] != 0]
        pg2.append(float(len(near) > 0))
        pos = np.maximum(m, 0)
        epg.append(pos[masks[i] != 0].sum() / pos.sum())
        mass.append(m[masks[i] != 0].sum() / m.sum())
        k = int((masks[i] != 0).sum())
        top = np.argsort(-maps[i].reshape(-1), kind="stable")[:k]
        rank.append((masks[i].reshape(-1)[top] != 0).sum() / k)
    put("pointing-game", pg)
    put("pointing-game-tolerance-2", pg2)
    put("energy-pointing-game", epg)
    put("relevance-mass", mass)
    put("relevance-rank", rank)

    # Infidelity with gradient x input attributions
    xg = x64.clone().requires_grad_(True)
    out = m64(xg)
    sum(out[i, c] for i, c in enumerate(CLASSES)).backward()
    attributions = (xg.grad * x64).detach().numpy()
    save("attributions.npy", attributions)
    attributions = attributions.astype(np.float32).astype(np.float64)
    samples = 4
    inf_noise = (0.1 * rng.standard_normal((N, samples, C, H, W))).astype(np.float32)
    save("infidelity_noise.npy", inf_noise)
    infid = []
    for i in range(N):
        vals = []
        for j in range(samples):
            I = inf_noise[i, j].astype(np.float64)
            fx = scores((images[i].astype(np.float64) - I)[None], [CLASSES[i]])[0]
            vals.append((np.sum(attributions[i] * I) - (clean[i] - fx)) ** 2)
        infid.append(np.mean(vals))
    put("infidelity", infid)

    sens_noise = rng.uniform(-0.02, 0.02, (N, samples, C, H, W)).astype(np.float32)
    save("sensitivity_noise.npy", sens_noise)
    sens = []
    for i in range(N):
        x = images[i].astype(np.float64)
        e = x * x
        vals = [np.linalg.norm((x + sens_noise[i, j]) ** 2 - e) / np.linalg.norm(e) for j in range(samples)]
        sens.append(max(vals))
    put("max-sensitivity", sens)

    with open(os.path.join(HERE, "expected.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
