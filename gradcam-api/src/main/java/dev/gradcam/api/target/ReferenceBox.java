package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;

/**
 * A box and label to explain with {@link Targets#boxScore}: the predicted box that overlaps it best counts if its
 * IoU exceeds {@code iouThreshold} and its label is {@code label}.
 *
 * @param box          the reference box, usually one the model detected
 * @param label        its class
 * @param iouThreshold the IoU a prediction must exceed, in [0, 1); pytorch-grad-cam's default is
 *                     {@value #DEFAULT_IOU}
 */
public record ReferenceBox(Box box, int label, double iouThreshold) {

    /** pytorch-grad-cam's FasterRCNNBoxScoreTarget default IoU threshold. */
    public static final double DEFAULT_IOU = 0.5;

    public ReferenceBox {
        InvalidArgumentException.requireNonNull(box, "box");
        if (label < 0) {
            throw new InvalidArgumentException("a box label must be >= 0, got " + label);
        }
        if (!(iouThreshold >= 0 && iouThreshold < 1)) {
            throw new InvalidArgumentException("an IoU threshold must be in [0, 1), got " + iouThreshold);
        }
    }

    /** A reference box with the default IoU threshold. */
    public static ReferenceBox of(double x1, double y1, double x2, double y2, int label) {
        return new ReferenceBox(new Box(x1, y1, x2, y2), label, DEFAULT_IOU);
    }
}
