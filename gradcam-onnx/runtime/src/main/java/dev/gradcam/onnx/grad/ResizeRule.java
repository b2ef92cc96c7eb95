package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.graph.ConstValue;
import dev.gradcam.onnx.graph.ShapeRules;
import java.util.Map;

/**
 * Backward rule of Resize (and Upsample) in nearest and linear modes. Both are separable and linear in the input,
 * so per resized axis the op is a fixed matrix M [out, in] built here with ONNX Runtime's coordinate arithmetic
 * (in float32, as it does); the gradient is the incoming one multiplied by M transposed along each axis.
 */
final class ResizeRule {

    private ResizeRule() {
    }

    static void register(Map<String, BackwardRule> rules) {
        rules.put("Resize", ResizeRule::resize);
        rules.put("Upsample", ResizeRule::resize);
    }

    static void resize(BackwardContext c) {
        for (int i = 1; i < c.node().inputs().size(); i++) {
            if (c.needsGradient(i)) {
                throw c.unsupported("only the data input is differentiable");
            }
        }
        long[] x = c.dims(c.input(0));
        long[] y = c.dims(c.output(0));
        int opset = c.emit().opset();
        boolean legacy = c.node().opType().equals("Upsample") || opset < 11;
        String mode = c.node().attrString("mode", "nearest");
        String ctm = legacy ? "asymmetric" : c.node().attrString("coordinate_transformation_mode", "half_pixel");
        String nearest = legacy ? "floor" : c.node().attrString("nearest_mode", "round_prefer_floor");
        if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("bilinear")) {
            throw c.unsupported("mode '" + mode + "' is not differentiable here (nearest and linear are)");
        }
        if (ctm.equals("tf_crop_and_resize")) {
            throw c.unsupported("coordinate_transformation_mode tf_crop_and_resize is not supported");
        }
        if (c.node().attrInt("antialias", 0) != 0) {
            throw c.unsupported("antialias=1 is not supported");
        }
        float[] scales = scales(c, x, y, legacy);
        Emitter e = c.emit();
        String g = c.gradient();
        int r = x.length;
        for (int a = r - 1; a >= 0; a--) {
            if (x[a] == y[a] && scales[a] == 1f) {
                continue;
            }
            double[] m = matrix(mode.equals("nearest"), ctm, nearest, (int) x[a], (int) y[a], scales[a]);
            if (a == r - 1) {
                g = e.op("MatMul", g, e.reals(new long[] {y[a], x[a]}, m, c.elemType()));
            } else if (a == r - 2) {
                g = e.op("MatMul", e.reals(new long[] {x[a], y[a]}, transpose(m, (int) y[a], (int) x[a]),
                        c.elemType()), g);
            } else {
                String moved = e.swapAxes(g, r, a, r - 1);
                moved = e.op("MatMul", moved, e.reals(new long[] {y[a], x[a]}, m, c.elemType()));
                g = e.swapAxes(moved, r, a, r - 1);
            }
        }
        c.addGradient(0, g);
    }

    private static float[] scales(BackwardContext c, long[] x, long[] y, boolean legacy) {
        int r = x.length;
        float[] s = new float[r];
        for (int i = 0; i < r; i++) {
            s[i] = (float) y[i] / (float) x[i];
        }
        long[] axes = c.node().attrInts("axes");
        float[] given = c.node().attrFloats("scales");
        if (given == null) {
            ConstValue sizes = legacy ? null : c.constant(3);
            if (sizes != null && sizes.size() > 0) {
                return s;
            }
            given = ShapeRules.resizeScales(c.node(), c.shapes());
            if (given == null) {
                return s;
            }
        }
        for (int i = 0; i < given.length; i++) {
            int a = axes == null ? i : ShapeRules.axis(axes[i], r);
            s[a] = given[i];
        }
        return s;
    }

    private static double[] transpose(double[] m, int rows, int cols) {
        double[] t = new double[m.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = m[i * cols + j];
            }
        }
        return t;
    }

    /** The interpolation matrix [out, in] of one axis, row-major. */
    static double[] matrix(boolean nearestMode, String ctm, String nearestRounding, int in, int out, float scale) {
        double[] m = new double[out * in];
        for (int o = 0; o < out; o++) {
            float orig = original(ctm, o, scale, in, out);
            if (nearestMode) {
                long idx = round(nearestRounding, orig);
                idx = Math.max(0, Math.min(in - 1, idx));
                m[o * in + (int) idx] += 1;
            } else {
                float xc = Math.max(0f, Math.min(orig, in - 1));
                int x1 = Math.min((int) xc, in - 1);
                int x2 = Math.min(x1 + 1, in - 1);
                float d1 = Math.abs(xc - x1);
                float d2 = Math.abs(xc - x2);
                if (x1 == x2) {
                    d1 = 0.5f;
                    d2 = 0.5f;
                }
                m[o * in + x1] += d2;
                m[o * in + x2] += d1;
            }
        }
        return m;
    }

    private static float original(String ctm, int x, float scale, int in, int out) {
        return switch (ctm) {
            case "asymmetric" -> x / scale;
            case "pytorch_half_pixel" -> out > 1 ? (x + 0.5f) / scale - 0.5f : 0f;
            case "tf_half_pixel_for_nn" -> (x + 0.5f) / scale;
            case "align_corners" -> out == 1 ? 0f : x * (float) (in - 1) / (float) (out - 1);
            case "half_pixel_symmetric" -> {
                float adjustment = out / (scale * in);
                float center = in / 2f;
                float offset = center * (1 - adjustment);
                yield offset + (x + 0.5f) / scale - 0.5f;
            }
            default -> (x + 0.5f) / scale - 0.5f;
        };
    }

    private static long round(String mode, float v) {
        return switch (mode) {
            case "floor" -> (long) Math.floor(v);
            case "ceil" -> (long) Math.ceil(v);
            case "round_prefer_ceil" -> roundHalfAway(v);
            default -> v == (long) v + 0.5f ? (long) Math.floor(v) : roundHalfAway(v);
        };
    }

    private static long roundHalfAway(float v) {
        return v >= 0 ? (long) Math.floor(v + 0.5) : -(long) Math.floor(-v + 0.5);
    }
}
