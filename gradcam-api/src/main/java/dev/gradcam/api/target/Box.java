package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;

/**
 * An axis-aligned box in pixel corners {@code (x1, y1)} (top left) to {@code (x2, y2)} (bottom right), the convention
 * of torchvision's detection outputs.
 *
 * @param x1 left
 * @param y1 top
 * @param x2 right, at least {@code x1}
 * @param y2 bottom, at least {@code y1}
 */
public record Box(double x1, double y1, double x2, double y2) {

    public Box {
        if (!(Double.isFinite(x1) && Double.isFinite(y1) && Double.isFinite(x2) && Double.isFinite(y2))) {
            throw new InvalidArgumentException("box corners must be finite, got " + x1 + "," + y1 + "," + x2 + ","
                    + y2);
        }
        if (x2 < x1 || y2 < y1) {
            throw new InvalidArgumentException("a box needs x1 <= x2 and y1 <= y2 (corners X1,Y1,X2,Y2), got " + x1
                    + "," + y1 + "," + x2 + "," + y2);
        }
    }

    /** A box from its centre and size, the YOLO convention. */
    public static Box ofCenter(double cx, double cy, double w, double h) {
        return new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    /** Width times height. */
    public double area() {
        return (x2 - x1) * (y2 - y1);
    }

    /** Intersection over union with {@code other}, as torchvision.ops.box_iou (0 when both are empty). */
    public double iou(Box other) {
        InvalidArgumentException.requireNonNull(other, "other");
        double iw = Math.max(0, Math.min(x2, other.x2) - Math.max(x1, other.x1));
        double ih = Math.max(0, Math.min(y2, other.y2) - Math.max(y1, other.y1));
        double inter = iw * ih;
        double union = area() + other.area() - inter;
        return union > 0 ? inter / union : 0;
    }
}
