#!/usr/bin/python3
"""Reference values for MapSimilarity (sanity-check similarities), from scipy and scikit-image.

    apt-get install -y python3-scipy python3-skimage
    /usr/bin/python3 make_similarity_fixtures.py

(made with Debian's python3-scipy 1.10.1 and python3-skimage 0.19.3). Writes, next to this script:
  similarity_maps.npy       [3,40,32] float32 maps in [0,1]: a smooth blob map, a noisy copy of it, and noise,
                            with a block of ties (exact zeros) in each
  similarity_expected.txt   NAME v(0,1) v(0,2) v(1,2) for NAME in spearman (scipy.stats.spearmanr), ssim
                            (skimage.metrics.structural_similarity, data_range=1, other arguments default) and hog
                            (numpy corrcoef of skimage.feature.hog features, default arguments), computed in float64
"""
import os

import numpy as np
import scipy.stats
from skimage.feature import hog
from skimage.metrics import structural_similarity

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    rng = np.random.default_rng(6)
    yy, xx = np.mgrid[0:40, 0:32]
    blob = np.exp(-((yy - 14) ** 2 + (xx - 18) ** 2) / (2 * 6.0 ** 2))
    noisy = np.clip(blob + 0.15 * rng.standard_normal(blob.shape), 0, 1)
    noise = rng.random(blob.shape)
    maps = np.stack([blob, noisy, noise])
    maps[:, 30:, :6] = 0
    maps = maps.astype(np.float32)
    np.save(os.path.join(HERE, "similarity_maps.npy"), maps)
    m = maps.astype(np.float64)
    pairs = [(0, 1), (0, 2), (1, 2)]
    lines = []
    lines.append("spearman " + " ".join(repr(float(scipy.stats.spearmanr(m[a].ravel(), m[b].ravel())[0]))
                                        for a, b in pairs))
    lines.append("ssim " + " ".join(repr(float(structural_similarity(m[a], m[b], data_range=1.0)))
                                    for a, b in pairs))
    lines.append("hog " + " ".join(repr(float(np.corrcoef(hog(m[a]), hog(m[b]))[0, 1])) for a, b in pairs))
    with open(os.path.join(HERE, "similarity_expected.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
