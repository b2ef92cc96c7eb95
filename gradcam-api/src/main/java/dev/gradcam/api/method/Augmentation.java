package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

/**
 * One test-time augmentation of aug-smoothing: an optional horizontal flip, a zoom about the image centre, and an
 * intensity multiplier, with the inverse that maps a heatmap back onto the original image. Immutable.
 *
 * <p>Zoom {@code s} keeps the input size: the augmented pixel (y, x) shows the original at
 * {@code ((y - cy) / s + cy, (x - cx) / s + cx)} (pixel centres, {@code cy = (H - 1) / 2}), bilinear, zero outside
 * the original. So {@code s > 1} zooms in (the border leaves the view) and {@code s < 1} zooms out (a zero border
 * appears); models with a fixed input size still fit. The inverse samples a map of any size at
 * {@code (s (y - cy) + cy, ...)} and reports which pixels the augmented view covered, so that averaging ignores the
 * rest.
 *
 * @param flip       mirror left-right
 * @param zoom       zoom factor about the centre (1: none)
 * @param multiplier factor on every pixel value (1: none), as ttach's {@code Multiply} used by pytorch-grad-cam
 */
public record Augmentation(boolean flip, double zoom, double multiplier) {

    /** No change. */
    public static final Augmentation IDENTITY = new Augmentation(false, 1, 1);

    /** @throws InvalidArgumentException unless zoom > 0 and the multiplier is finite */
    public Augmentation {
        if (!(zoom > 0) || Double.isInfinite(zoom) || !Double.isFinite(multiplier)) {
            throw new InvalidArgumentException("need zoom > 0 and a finite multiplier, got " + zoom + ", " + multiplier);
        }
    }

    /** True if this augmentation changes nothing. */
    public boolean isIdentity() {
        return !flip && zoom == 1 && multiplier == 1;
    }

    /** The augmented batch [N, C, H, W]. */
    public FloatTensor apply(FloatTensor images) {
        InvalidArgumentException.requireNonNull(images, "images");
        Shape s = images.shape();
        int h = s.intDim(-2);
        int w = s.intDim(-1);
        int planes = images.size() / (h * w);
        float[] out = new float[images.size()];
        double cy = (h - 1) / 2.0;
        double cx = (w - 1) / 2.0;
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int y = 0; y < h; y++) {
                double sy = (y - cy) / zoom + cy;
                for (int x = 0; x < w; x++) {
                    double sx = (x - cx) / zoom + cx;
                    if (flip) {
                        sx = w - 1 - sx;
                    }
                    out[base + y * w + x] = (float) (multiplier * sample(images, base, h, w, sy, sx));
                }
            }
        }
        return FloatTensor.wrapOwned(s, out);
    }

    /**
     * Maps maps [N, h, w] of augmented images back onto the original images; {@code coverage} (length N*h*w, may be
     * null) receives 1 where the augmented view saw that part of the original and 0 elsewhere.
     */
    public FloatTensor restore(FloatTensor maps, float[] coverage) {
        InvalidArgumentException.requireNonNull(maps, "maps");
        Shape s = maps.shape();
        int h = s.intDim(-2);
        int w = s.intDim(-1);
        int planes = maps.size() / (h * w);
        float[] out = new float[maps.size()];
        double cy = (h - 1) / 2.0;
        double cx = (w - 1) / 2.0;
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int y = 0; y < h; y++) {
                double sy = zoom * (y - cy) + cy;
                for (int x = 0; x < w; x++) {
                    double ox = flip ? w - 1 - x : x;
                    double sx = zoom * (ox - cx) + cx;
                    boolean inside = sy >= -0.5 && sy <= h - 0.5 && sx >= -0.5 && sx <= w - 0.5;
                    out[base + y * w + x] = inside ? (float) sample(maps, base, h, w, clamp(sy, h), clamp(sx, w)) : 0f;
                    if (coverage != null) {
                        coverage[base + y * w + x] = inside ? 1f : 0f;
                    }
                }
            }
        }
        return FloatTensor.wrapOwned(s, out);
    }

    private static double clamp(double v, int size) {
        return Math.min(Math.max(v, 0), size - 1);
    }

    /** Bilinear sample of one plane at real pixel coordinates; 0 beyond half a pixel outside. */
    private static double sample(FloatTensor t, int base, int h, int w, double y, double x) {
        if (y < -0.5 || y > h - 0.5 || x < -0.5 || x > w - 0.5) {
            return 0;
        }
        y = clamp(y, h);
        x = clamp(x, w);
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        int y1 = Math.min(y0 + 1, h - 1);
        int x1 = Math.min(x0 + 1, w - 1);
        double fy = y - y0;
        double fx = x - x0;
        double top = t.getFlat(base + y0 * w + x0) * (1 - fx) + t.getFlat(base + y0 * w + x1) * fx;
        double bottom = t.getFlat(base + y1 * w + x0) * (1 - fx) + t.getFlat(base + y1 * w + x1) * fx;
        return top * (1 - fy) + bottom * fy;
    }
}
