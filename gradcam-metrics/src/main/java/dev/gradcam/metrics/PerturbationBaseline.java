package dev.gradcam.metrics;

import dev.gradcam.api.tensor.FloatTensor;

/**
 * What deletion puts in place of removed pixels and what insertion starts from (Petsiuk et al. 2018). Values are in
 * the model's input space (after preprocessing).
 */
public enum PerturbationBaseline {
    /** Zeros: after mean/std normalisation, the dataset mean colour. RISE's deletion baseline. */
    ZERO,
    /**
     * The image blurred with a normalised 11 x 11 Gaussian kernel of sigma 5 per channel, zero padded (RISE's
     * insertion baseline is a Gaussian blur of that size).
     */
    BLUR,
    /** Each channel's mean over the image. */
    MEAN;

    static final int BLUR_SIZE = 11;
    static final double BLUR_SIGMA = 5;

    /** The baseline for {@code image} ([C, H, W]). */
    public FloatTensor of(FloatTensor image) {
        int c = image.shape().intDim(0);
        int h = image.shape().intDim(1);
        int w = image.shape().intDim(2);
        float[] px = image.toArray();
        float[] out = new float[px.length];
        switch (this) {
            case ZERO -> {
            }
            case MEAN -> {
                for (int ch = 0; ch < c; ch++) {
                    double sum = 0;
                    for (int p = 0; p < h * w; p++) {
                        sum += px[ch * h * w + p];
                    }
                    java.util.Arrays.fill(out, ch * h * w, (ch + 1) * h * w, (float) (sum / (h * w)));
                }
            }
            case BLUR -> blur(px, out, c, h, w);
        }
        return FloatTensor.wrapOwned(image.shape(), out);
    }

    /** Separable Gaussian (the 2-D kernel is an outer product), zero outside the image. */
    private static void blur(float[] px, float[] out, int c, int h, int w) {
        int r = BLUR_SIZE / 2;
        double[] k = new double[BLUR_SIZE];
        double sum = 0;
        for (int i = 0; i < BLUR_SIZE; i++) {
            k[i] = Math.exp(-(i - r) * (i - r) / (2 * BLUR_SIGMA * BLUR_SIGMA));
            sum += k[i];
        }
        for (int i = 0; i < BLUR_SIZE; i++) {
            k[i] /= sum;
        }
        double[] rows = new double[h * w];
        for (int ch = 0; ch < c; ch++) {
            int base = ch * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double acc = 0;
                    for (int d = -r; d <= r; d++) {
                        int xx = x + d;
                        if (xx >= 0 && xx < w) {
                            acc += k[d + r] * px[base + y * w + xx];
                        }
                    }
                    rows[y * w + x] = acc;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double acc = 0;
                    for (int d = -r; d <= r; d++) {
                        int yy = y + d;
                        if (yy >= 0 && yy < h) {
                            acc += k[d + r] * rows[yy * w + x];
                        }
                    }
                    out[base + y * w + x] = (float) acc;
                }
            }
        }
    }
}
