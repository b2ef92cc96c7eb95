#!/usr/bin/python3
"""Times Score-CAM the way pytorch-grad-cam (master, 2026) computes it, on torch's CPU backend: the baseline of the
Score-CAM row in docs/performance.md.

pytorch-grad-cam's ScoreCAM.get_cam_weights, restated (not imported: it is not packaged for Debian): one forward pass
with a hook on the target layer, every channel's activation upsampled to the input with UpsamplingBilinear2d
(align_corners=True), min-max normalised with (x - min) / (max - min + 1e-8), multiplied into the input, the K masked
images run through the model in batches of 16 under no_grad, the target's logit read for each, and a softmax over the
channel scores. The CAM itself (weights x activations, ReLU, resize) costs microseconds next to that and is included.

    /usr/bin/python3 gradcam-onnx/runtime/bench/scorecam_torch.py ARCH LAYER IMAGES THREADS

prints the wall and process CPU seconds per image; torchvision ARCH with seeded random weights (as make_resnet50.py
exports it), 224x224 seeded Gaussian images, torch.set_num_threads(THREADS).
"""
import sys
import time

import torch
import torchvision

BATCH = 16  # pytorch-grad-cam's default


def score_cam(model, layer, image):
    store = {}
    hook = layer.register_forward_hook(lambda m, i, o: store.__setitem__("a", o.detach()))
    with torch.no_grad():
        logits = model(image)
    hook.remove()
    target = int(logits[0].argmax())
    acts = store["a"]
    with torch.no_grad():
        up = torch.nn.UpsamplingBilinear2d(size=image.shape[-2:])(acts)
        flat = up.view(up.size(0), up.size(1), -1)
        maxs = flat.max(dim=-1)[0][:, :, None, None]
        mins = flat.min(dim=-1)[0][:, :, None, None]
        up = (up - mins) / (maxs - mins + 1e-8)
        masked = image[:, None, :, :] * up[:, :, None, :, :]
        scores = []
        for tensor in masked:
            for i in range(0, tensor.size(0), BATCH):
                out = model(tensor[i:i + BATCH])
                scores.extend(float(o[target]) for o in out)
        weights = torch.softmax(torch.tensor(scores).view(acts.shape[0], acts.shape[1]), dim=-1)
        cam = torch.relu((weights[:, :, None, None] * acts).sum(dim=1))
    return cam


def main():
    arch, layer_name = sys.argv[1], sys.argv[2]
    count, threads = int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = getattr(torchvision.models, arch)(weights=None).eval()
    layer = dict(model.named_modules())[layer_name]
    gen = torch.Generator().manual_seed(1)
    images = [torch.randn(1, 3, 224, 224, generator=gen) for _ in range(count + 1)]
    score_cam(model, layer, images[0])  # warm-up
    wall, cpu = time.perf_counter(), time.process_time()
    for image in images[1:]:
        score_cam(model, layer, image)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print("pytorch-grad-cam Score-CAM (restated), torch %s, %s at %s, %d threads: %.2f s wall, %.2f s CPU per image"
          % (torch.__version__, arch, layer_name, threads, wall / count, cpu / count))


if __name__ == "__main__":
    main()
