package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.model.ElementType;
import java.util.Map;

/**
 * Backward rule of RoiAlign (average mode) with respect to its feature input. The boxes and their batch indices are
 * constants of the backward pass, as torchvision detaches its proposals: Faster R-CNN does not back-propagate
 * through them. With the boxes fixed the op is linear and separable: per box r, output = A_y[r] X[b_r] A_x[r]^T, where
 * A_y [R, out_h, H] holds the bilinear weights of the bin's sample rows (averaged over the sampling grid) and A_x the
 * same for columns, built at run time from the boxes with ONNX Runtime's sampling arithmetic (samples more than one
 * pixel outside the map are zero, others clamped to it). The gradient is A_y^T dY A_x per box, added into its image
 * (a one-hot matrix product, so boxes of one image accumulate). The number of boxes may be known only at run time.
 */
final class RoiAlignRule {

    private RoiAlignRule() {
    }

    static void register(Map<String, BackwardRule> rules) {
        rules.put("RoiAlign", RoiAlignRule::roiAlign);
    }

    static void roiAlign(BackwardContext c) {
        c.constantInput(1);
        c.constantInput(2);
        if (!c.needsGradient(0)) {
            return;
        }
        String mode = c.node().attrString("mode", "avg");
        if (!mode.equals("avg")) {
            throw c.unsupported("only mode 'avg' is differentiable here, not '" + mode + "'");
        }
        long sampling = c.node().attrInt("sampling_ratio", 0);
        if (sampling <= 0) {
            throw c.unsupported("sampling_ratio " + sampling + " (adaptive: a grid that depends on each box's size) is "
                    + "not differentiable here; export with a fixed sampling_ratio > 0 (torchvision's detectors use "
                    + "2)");
        }
        if (c.emit().opset() < 13) {
            throw c.needsOpset(13, "its backward form uses Unsqueeze with axes as an input, opset 13 or later");
        }
        // RoiAlign-10 had no coordinate mode and behaved as output_half_pixel; RoiAlign-16's default is half_pixel.
        String ctm = c.emit().opset() >= 16 ? c.node().attrString("coordinate_transformation_mode", "half_pixel")
                : "output_half_pixel";
        long[] x = c.dims(c.input(0));
        long outH = c.node().attrInt("output_height", 1);
        long outW = c.node().attrInt("output_width", 1);
        double scale = c.node().attrFloat("spatial_scale", 1f);
        boolean half = ctm.equals("half_pixel");
        Emitter e = c.emit();
        int t = c.elemType(c.input(0));
        String rois = c.elemType(c.input(1)) == t ? c.input(1) : e.cast(c.input(1), t);
        String ay = weights(e, rois, 1, 3, outH, sampling, x[2], scale, half, t);
        String ax = weights(e, rois, 0, 2, outW, sampling, x[3], scale, half, t);
        // [R, 1, H, out_h] x [R, C, out_h, out_w] x [R, 1, out_w, W] = [R, C, H, W]
        String ayT = e.op("Unsqueeze", e.transpose(ay, new long[] {0, 2, 1}), e.longs(1));
        String perBox = e.op("MatMul", e.op("MatMul", ayT, c.gradient()), e.op("Unsqueeze", ax, e.longs(1)));
        // Into each box's image: one-hot [N, R] of the batch indices times the boxes' gradients [R, C * H * W]. Not
        // ScatterND with reduction=add: ONNX Runtime's CPU kernel runs it in parallel and races on repeated indices
        // (every box of one image), which gave different gradients from run to run.
        double[] batch = new double[(int) x[0]];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = i;
        }
        String images = e.cast(e.op("Equal", e.op("Unsqueeze", e.cast(c.input(2), t), e.longs(0)),
                e.reals(new long[] {x[0], 1}, batch, t)), t);
        String flat = e.reshape(perBox, new long[] {-1, x[1] * x[2] * x[3]});
        c.addGradient(0, e.reshape(e.op("MatMul", images, flat), x));
    }

    /**
     * The bilinear weights along one axis [R, bins, size]: box coordinates in columns {@code lo} and {@code hi} of
     * the boxes, {@code bins} output cells of {@code grid} samples each, a feature axis of {@code size}.
     */
    private static String weights(Emitter e, String rois, long lo, long hi, long bins, long grid, long size,
                                  double scale, boolean half, int t) {
        double offset = half ? 0.5 : 0;
        String start = e.sub(e.mul(e.slice(rois, new long[] {lo}, new long[] {lo + 1}, new long[] {1}),
                e.scalar(scale, t)), e.scalar(offset, t));
        String end = e.sub(e.mul(e.slice(rois, new long[] {hi}, new long[] {hi + 1}, new long[] {1}),
                e.scalar(scale, t)), e.scalar(offset, t));
        String extent = e.sub(end, start);
        if (!half) {
            extent = e.op("Max", extent, e.scalar(1, t)); // output_half_pixel: boxes at least one pixel wide
        }
        String bin = e.div(extent, e.scalar(bins, t));
        double[] offsets = new double[(int) (bins * grid)];
        for (int p = 0; p < bins; p++) {
            for (int g = 0; g < grid; g++) {
                offsets[(int) (p * grid + g)] = p + (g + 0.5) / grid;
            }
        }
        // Sample positions [R, bins * grid]; those beyond one pixel outside the map count zero.
        String pos = e.add(start, e.mul(bin, e.reals(new long[] {1, offsets.length}, offsets, t)));
        String valid = e.cast(e.and(e.op("Not", e.less(pos, e.scalar(-1, t))),
                e.op("Not", e.greater(pos, e.scalar(size, t)))), t);
        String clamped = e.op("Min", e.op("Max", pos, e.scalar(0, t)), e.scalar(size - 1, t));
        String low = e.op("Floor", clamped);
        String frac = e.sub(clamped, low);
        String high = e.op("Min", e.add(low, e.scalar(1, t)), e.scalar(size - 1, t));
        String share = e.scalar(1.0 / grid, t);
        String wLow = e.mul(e.mul(e.sub(e.scalar(1, t), frac), valid), share);
        String wHigh = e.mul(e.mul(frac, valid), share);
        double[] cells = new double[(int) size];
        for (int i = 0; i < size; i++) {
            cells[i] = i;
        }
        String range = e.reals(new long[] {size}, cells, t);
        String last = e.longs(-1);
        String a = e.add(
                e.mul(e.cast(e.op("Equal", e.op("Unsqueeze", low, last), range), t), e.op("Unsqueeze", wLow, last)),
                e.mul(e.cast(e.op("Equal", e.op("Unsqueeze", high, last), range), t), e.op("Unsqueeze", wHigh, last)));
        // [R, bins * grid, size] -> [R, bins, grid, size], summed over the grid.
        return e.reduceSum(e.reshape(a, new long[] {0, bins, grid, size}), new long[] {2}, false);
    }
}
