#!/usr/bin/python3
"""Prints the 256-entry colormap tables embedded in dev.gradcam.api.image.ColormapTables.

Run with Debian's interpreter (needs python3-opencv and python3-numpy; made with OpenCV 4.6.0):
    /usr/bin/python3 make_colormap_tables.py

Each table is what cv2.applyColorMap gives for the grey levels 0..255, converted from OpenCV's BGR to RGB,
as 768 hex-encoded bytes (R, G, B per level). OpenCV's tables come from:
  JET      OpenCV's own COLORMAP_JET (a piecewise-linear blue-cyan-yellow-red ramp, GNU Octave's jet);
  TURBO    Google's Turbo lookup table (Anton Mikhailov, 2019, Apache-2.0);
  VIRIDIS  matplotlib's viridis (van der Walt, Smith, Firing; CC0);
  INFERNO  matplotlib's inferno (same authors; CC0).
pytorch-grad-cam colours its heatmaps with cv2.applyColorMap(np.uint8(255 * mask), colormap), so these tables
make our overlays match it byte for byte.
"""
import cv2
import numpy as np

levels = np.arange(256, dtype=np.uint8).reshape(1, 256)
for name in ["JET", "TURBO", "VIRIDIS", "INFERNO"]:
    bgr = cv2.applyColorMap(levels, getattr(cv2, "COLORMAP_" + name))[0]
    rgb = bgr[:, ::-1].astype(np.uint8)
    hexstr = rgb.tobytes().hex()
    chunks = [hexstr[i:i + 96] for i in range(0, len(hexstr), 96)]
    body = "\"\n            + \"".join(chunks)
    print(f"    static final String {name} =\n            \"{body}\";")
