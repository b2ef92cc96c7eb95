#!/usr/bin/python3
"""Bilinear resize references for the post-processing (CAM upsampling) tests.

Run with Debian's interpreter (packages python3-torch, python3-opencv, python3-numpy;
made with torch 1.13.1, OpenCV 4.6.0, NumPy 1.24.2):
    /usr/bin/python3 make_upsample_fixtures.py

For each case (h,w)->(H,W) it writes, next to this script:
  up_{h}x{w}_to_{H}x{W}_in.npy     the input map, float32 [h,w], seeded normal(0,1) values
                                   (numpy default_rng(20240 + case index))
  up_{h}x{w}_to_{H}x{W}_torch.npy  torch.nn.functional.interpolate(in[None,None], size=(H,W),
                                   mode="bilinear", align_corners=False)[0,0]
                                   (antialias=False, the default); computed in float64 from the
                                   float32 input, stored as float32
  up_{h}x{w}_to_{H}x{W}_cv2.npy    cv2.resize(in, (W,H), interpolation=cv2.INTER_LINEAR) on the
                                   float32 input exactly as stored (OpenCV's own float32 result),
                                   stored as float32
All files are little-endian float32, C order.

Both references use the half-pixel-centre mapping  src = (dst + 0.5) * (in/out) - 0.5,
clamped to the edge (source coordinates < 0 are clamped to 0, and the +1 neighbour to
size-1), i.e. ONNX Resize(mode=linear, coordinate_transformation_mode=half_pixel).

Agreement (measured when these files were made; the script re-checks and prints it):
  * Upsampling: torch and OpenCV agree to float32 rounding (max |diff| < 5e-7 here).
  * Downsampling (8x8 -> 3x5): they ALSO agree to float32 rounding. Neither antialiases:
    torch's bilinear interpolate with antialias=False and cv2 INTER_LINEAR both just sample
    2x2 neighbourhoods at the half-pixel source position. (torch with antialias=True, or
    cv2 INTER_AREA, would differ; those are NOT the references here.)
  * Identity (2x2 -> 2x2) is exact in both; a 1x1 map upsamples to a constant in both.
So a Java implementation of half-pixel bilinear resize should match either file to about
1e-6 absolute (values are O(1)).
"""
import os
import numpy as np
import torch
import torch.nn.functional as F
import cv2

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [((7, 7), (32, 32)), ((3, 4), (10, 7)), ((5, 3), (17, 11)), ((8, 8), (3, 5)),
         ((2, 2), (2, 2)), ((1, 1), (4, 6)), ((14, 14), (224, 224))]


def save(name, arr):
    arr = np.ascontiguousarray(arr, dtype="<f4")
    np.save(os.path.join(HERE, name), arr, allow_pickle=False)


for i, ((h, w), (H, W)) in enumerate(CASES):
    rng = np.random.default_rng(20240 + i)
    x = rng.standard_normal((h, w)).astype(np.float32)
    t = F.interpolate(torch.from_numpy(x.astype(np.float64))[None, None], size=(H, W),
                      mode="bilinear", align_corners=False)[0, 0].numpy()
    c = cv2.resize(x, (W, H), interpolation=cv2.INTER_LINEAR)
    assert c.shape == (H, W) and c.dtype == np.float32
    tag = f"up_{h}x{w}_to_{H}x{W}"
    save(tag + "_in.npy", x)
    save(tag + "_torch.npy", t)
    save(tag + "_cv2.npy", c)
    aa = ""
    if H < h or W < w:
        ta = F.interpolate(torch.from_numpy(x.astype(np.float64))[None, None], size=(H, W),
                           mode="bilinear", align_corners=False, antialias=True)[0, 0].numpy()
        aa = f"  (torch antialias=True would differ by {np.abs(ta - t).max():.3g})"
    print(f"{tag:24s} max|torch-cv2| = {np.abs(t - c.astype(np.float64)).max():.3g}{aa}")
