#!/usr/bin/python3
"""Reference fixtures for models with unusual inputs (issue 11): no batch axis, several inputs, embeddings.

Run with Debian bookworm's packages (python3-torch 1.13, python3-onnx 1.12):

    /usr/bin/python3 make_input_fixtures.py

Weights from torch.manual_seed(SEED) per model, BatchNorm statistics random and kept in the graph
(training=TrainingMode.PRESERVE in eval mode). References are computed in float64 (the float32 weights and inputs
widened) with torch.autograd and saved as float32 .npy next to this script. Grad-CAM maps are the signed
sum_k mean_hw(d target / d A_k) * A_k at the named module's output, one per image.

  unbatched.onnx   input "image" [3, 32, 32] (no batch axis, like torchvision's detectors), output "logits" [10]:
                   unsqueeze, ConvBnReLU 3->8 s2 ("features.0"), ConvBnReLU 8->16 ("features.1"), global average
                   pool, Linear. Files unbatched/: input.npy [2, 3, 32, 32] (two images, fed one at a time),
                   logits.npy [2, 10], input_grad.npy (targets: logit 1 for image 0, logit 3 for image 1),
                   cam__features.1.npy [2, 16, 16].
  two_tower.onnx   inputs "rgb" [N, 3, 32, 32] and "depth" [N, 1, 32, 32]; towers ConvBnReLU x2 each ("rgb_tower",
                   "depth_tower", 16 and 8 channels at 16x16), Concat, ConvBnReLU 24->16 ("fusion"), global average
                   pool, Linear -> "logits" [N, 5]. Files two_tower/: rgb.npy, depth.npy [2, ...], logits.npy,
                   grad_rgb.npy and grad_depth.npy (targets: logit 1 for image 0, logit 3 for image 1; the gradient
                   with respect to each input with the other one fixed), cam__rgb_tower.npy, cam__fusion.npy.
  siamese.onnx     inputs "a" and "b" [N, 3, 32, 32], one shared embedding net (ConvBnReLU x2, "embed.1" is its last
                   conv block; both uses of it are in the graph, manifest.json names branch a's), global average
                   pool, Linear -> 16; output "similarity" [N, 1] = cosine similarity of the two embeddings.
                   Files siamese/: a.npy, b.npy, similarity.npy, grad_a.npy, grad_b.npy (target: the similarity),
                   cam_a.npy (Grad-CAM at branch a's last conv block, tensor in manifest.json).
  embedding.onnx   a face-embedding-like net: input "face" [N, 3, 32, 32], ConvBnReLU x3 ("body.2" last), global
                   average pool, Linear -> 32, L2 normalisation -> "embedding" [N, 32]. Files embedding/: input.npy
                   [2, 3, 32, 32], reference.npy [1, 3, 32, 32] (the reference image), reference_embedding.npy [32],
                   embedding.npy [2, 32], input_grad.npy and cam__body.2.npy for the target cosine(embedding,
                   reference_embedding), as pytorch-grad-cam's SimilarityToConceptTarget.
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def block(i, o, s=1):
    return nn.Sequential(nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU())


def randomise(m, seed):
    torch.manual_seed(seed)
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, nn.Conv2d):
                nn.init.kaiming_normal_(mod.weight)
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.normal_(0, 0.2)
                mod.running_var.uniform_(0.5, 1.5)
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.normal_(0, 0.2)
            if isinstance(mod, nn.Linear):
                nn.init.normal_(mod.weight, 0, 0.3)
                mod.bias.normal_(0, 0.1)
    return m.eval()


class Unbatched(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(block(3, 8, 2), block(8, 16))
        self.fc = nn.Linear(16, 10)

    def forward(self, image):
        x = self.features(image.unsqueeze(0))
        return self.fc(x.mean((2, 3)))[0]


class TwoTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.rgb_tower = nn.Sequential(block(3, 8, 2), block(8, 16))
        self.depth_tower = nn.Sequential(block(1, 4, 2), block(4, 8))
        self.fusion = block(24, 16)
        self.fc = nn.Linear(16, 5)

    def forward(self, rgb, depth):
        x = self.fusion(torch.cat([self.rgb_tower(rgb), self.depth_tower(depth)], 1))
        return self.fc(x.mean((2, 3)))


class Embed(nn.Module):
    def __init__(self, dims, out):
        super().__init__()
        layers = [block(dims[0], dims[1], 2)] + [block(dims[i], dims[i + 1]) for i in range(1, len(dims) - 1)]
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(dims[-1], out)

    def forward(self, x):
        return self.fc(self.body(x).mean((2, 3)))


class Siamese(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = Embed([3, 8, 16], 16)

    def forward(self, a, b):
        return F.cosine_similarity(self.embed(a), self.embed(b), dim=1, eps=1e-8).unsqueeze(1)


class FaceEmbedding(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = Embed([3, 8, 16, 16], 32)

    def forward(self, face):
        e = self.net(face)
        return e / e.norm(dim=1, keepdim=True)


def save(path, t):
    np.save(path, t.detach().numpy().astype(np.float32))


def export(model, args, name, inputs, outputs, dynamic=True):
    axes = {n: {0: "N"} for n in inputs + outputs} if dynamic else None
    torch.onnx.export(model, args, os.path.join(HERE, name + ".onnx"), opset_version=17, input_names=inputs,
                      output_names=outputs, dynamic_axes=axes, training=torch.onnx.TrainingMode.PRESERVE,
                      do_constant_folding=True)


def last_output(name, prefix):
    """The ONNX tensor of a module: the output of the last node of its scope."""
    g = onnx.load(os.path.join(HERE, name + ".onnx")).graph
    return [n.output[0] for n in g.node if n.name.startswith(prefix)][-1]


def cam(acts, grads):
    w = grads.mean(dim=(2, 3), keepdim=True)
    return (w * acts).sum(1)


def hooked(module):
    store = {}
    module.register_forward_hook(lambda m, i, o: store.setdefault("acts", []).append(o))
    return store


def unbatched():
    folder = os.path.join(HERE, "unbatched")
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(100)
    x32 = torch.randn(2, 3, 32, 32)
    export(randomise(Unbatched(), 1), (x32[0],), "unbatched", ["image"], ["logits"], dynamic=False)
    m = randomise(Unbatched(), 1).double()
    store = hooked(m.features[1])
    x = x32.double().requires_grad_(True)
    logits = torch.stack([m(x[0]), m(x[1])])
    target = logits[0, 1] + logits[1, 3]
    g0, g1, gx = torch.autograd.grad(target, store["acts"] + [x])
    acts, ga = torch.cat(store["acts"]), torch.cat([g0, g1])
    save(os.path.join(folder, "input.npy"), x32)
    save(os.path.join(folder, "logits.npy"), logits)
    save(os.path.join(folder, "input_grad.npy"), gx)
    save(os.path.join(folder, "cam__features.1.npy"), cam(acts, ga))


def two_tower():
    folder = os.path.join(HERE, "two_tower")
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(200)
    rgb32, depth32 = torch.randn(2, 3, 32, 32), torch.rand(2, 1, 32, 32)
    export(randomise(TwoTower(), 2), (rgb32, depth32), "two_tower", ["rgb", "depth"], ["logits"])
    m = randomise(TwoTower(), 2).double()
    rt, fu = hooked(m.rgb_tower), hooked(m.fusion)
    rgb, depth = rgb32.double().requires_grad_(True), depth32.double().requires_grad_(True)
    logits = m(rgb, depth)
    target = logits[0, 1] + logits[1, 3]
    a_rt, a_fu = rt["acts"][0], fu["acts"][0]
    g_rt, g_fu, g_rgb, g_depth = torch.autograd.grad(target, [a_rt, a_fu, rgb, depth])
    for name, t in (("rgb", rgb32), ("depth", depth32), ("logits", logits), ("grad_rgb", g_rgb),
                    ("grad_depth", g_depth), ("cam__rgb_tower", cam(a_rt, g_rt)), ("cam__fusion", cam(a_fu, g_fu))):
        save(os.path.join(folder, name + ".npy"), t)


def siamese():
    folder = os.path.join(HERE, "siamese")
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(300)
    a32, b32 = torch.randn(2, 3, 32, 32), torch.randn(2, 3, 32, 32)
    export(randomise(Siamese(), 3), (a32, b32), "siamese", ["a", "b"], ["similarity"])
    m = randomise(Siamese(), 3).double()
    store = hooked(m.embed.body)
    a, b = a32.double().requires_grad_(True), b32.double().requires_grad_(True)
    sim = m(a, b)
    acts_a = store["acts"][0]  # the first call embeds a
    ga, gx_a, gx_b = torch.autograd.grad(sim.sum(), [acts_a, a, b])
    for name, t in (("a", a32), ("b", b32), ("similarity", sim), ("grad_a", gx_a), ("grad_b", gx_b),
                    ("cam_a", cam(acts_a, ga))):
        save(os.path.join(folder, name + ".npy"), t)
    # Both branches run the same module: the exporter scopes the second call "/embed_1/"... check which is a.
    g = onnx.load(os.path.join(HERE, "siamese.onnx")).graph
    relus = [n for n in g.node if n.op_type == "Relu"]
    tensor_a = None
    for n in relus:
        # Walk back to the graph input this ReLU depends on.
        deps, frontier = set(), [n.output[0]]
        producers = {o: p for p in g.node for o in p.output}
        while frontier:
            v = frontier.pop()
            if v in deps:
                continue
            deps.add(v)
            if v in producers:
                frontier.extend(producers[v].input)
        if "a" in deps and "b" not in deps:
            tensor_a = n.output[0]  # the last ReLU of branch a in graph order
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump({"branch_a_last_block": tensor_a}, f, indent=1)
        f.write("\n")


def embedding():
    folder = os.path.join(HERE, "embedding")
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(400)
    x32, ref32 = torch.randn(2, 3, 32, 32), torch.randn(1, 3, 32, 32)
    export(randomise(FaceEmbedding(), 4), (x32,), "embedding", ["face"], ["embedding"])
    m = randomise(FaceEmbedding(), 4).double()
    with torch.no_grad():
        ref = m(ref32.double())[0]
    store = hooked(m.net.body[2])
    x = x32.double().requires_grad_(True)
    e = m(x)
    target = F.cosine_similarity(e, ref.unsqueeze(0), dim=1).sum()
    acts = store["acts"][0]
    ga, gx = torch.autograd.grad(target, [acts, x])
    for name, t in (("input", x32), ("reference", ref32), ("reference_embedding", ref), ("embedding", e),
                    ("input_grad", gx), ("cam__body.2", cam(acts, ga))):
        save(os.path.join(folder, name + ".npy"), t)


if __name__ == "__main__":
    unbatched()
    two_tower()
    siamese()
    embedding()
