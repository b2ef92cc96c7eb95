package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;

/**
 * pytorch-grad-cam's FasterRCNNBoxScoreTarget on a raw detection output: for each reference box, the predicted box
 * of highest IoU with it (the first on ties) adds {@code IoU + score} if that IoU exceeds the reference's threshold
 * and its label is the reference's label; otherwise the reference adds nothing. Both terms are differentiated,
 * the IoU through the predicted box's coordinates.
 */
final class BoxScore implements Target {

    private final DetectionLayout layout;
    private final List<ReferenceBox> references;

    BoxScore(DetectionLayout layout, List<ReferenceBox> references) {
        this.layout = InvalidArgumentException.requireNonNull(layout, "layout");
        if (references.isEmpty()) {
            throw new InvalidArgumentException("a box-score target needs at least one reference box");
        }
        this.references = List.copyOf(references);
    }

    @Override
    public double score(FloatTensor output) {
        double s = 0;
        for (ReferenceBox r : references) {
            int k = match(output, r);
            if (k >= 0) {
                s += layout.box(output, k).iou(r.box()) + layout.score(output, k, r.label());
            }
        }
        return s;
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        float[] g = new float[output.size()];
        for (ReferenceBox r : references) {
            int k = match(output, r);
            if (k >= 0) {
                layout.addScoreGradient(output, k, r.label(), 1, g);
                addIouGradient(output, k, r.box(), g);
            }
        }
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    /** The matching predicted box, or -1. */
    private int match(FloatTensor output, ReferenceBox r) {
        int n = layout.boxes(output.shape());
        layout.checkClass(output.shape(), r.label());
        int best = -1;
        double bestIou = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double iou = layout.box(output, i).iou(r.box());
            if (iou > bestIou) {
                bestIou = iou;
                best = i;
            }
        }
        return best >= 0 && bestIou > r.iouThreshold() && layout.label(output, best) == r.label() ? best : -1;
    }

    /** d IoU(pred_k, ref) / d output, for a pair that overlaps (IoU > threshold >= 0, so the intersection is > 0). */
    private void addIouGradient(FloatTensor output, int k, Box ref, float[] g) {
        Box p = layout.box(output, k);
        double iw = Math.min(p.x2(), ref.x2()) - Math.max(p.x1(), ref.x1());
        double ih = Math.min(p.y2(), ref.y2()) - Math.max(p.y1(), ref.y1());
        double inter = iw * ih;
        double union = p.area() + ref.area() - inter;
        double dInter = (union + inter) / (union * union);
        double dArea = -inter / (union * union);
        double pw = p.x2() - p.x1();
        double ph = p.y2() - p.y1();
        // The intersection moves with the predicted corner only where that corner is the inner one.
        double dx1 = (p.x1() > ref.x1() ? -ih * dInter : 0) - ph * dArea;
        double dx2 = (p.x2() < ref.x2() ? ih * dInter : 0) + ph * dArea;
        double dy1 = (p.y1() > ref.y1() ? -iw * dInter : 0) - pw * dArea;
        double dy2 = (p.y2() < ref.y2() ? iw * dInter : 0) + pw * dArea;
        layout.addBoxGradient(output, k, dx1, dy1, dx2, dy2, g);
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder("box-score[");
        for (int i = 0; i < references.size(); i++) {
            ReferenceBox r = references.get(i);
            Box x = r.box();
            b.append(i == 0 ? "" : "; ").append(String.format(java.util.Locale.ROOT, "%.1f,%.1f,%.1f,%.1f:%d",
                    x.x1(), x.y1(), x.x2(), x.y2(), r.label()));
        }
        return b.append("]").toString();
    }
}
