package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.Locale;

/**
 * How a detector's output for one image lays out its candidate boxes, so that targets can name "class 3 at box 17"
 * ({@link Targets#detection}) or "the box that best matches this one" ({@link Targets#boxScore}) on raw heads.
 *
 * <p>Boxes are read as they are, in input pixels: decode the head inside the model (the usual export of YOLO
 * models) and, for models with NMS baked in, explain the tensor before NMS (any tensor can be the explained output).
 */
public enum DetectionLayout {

    /**
     * YOLOv5-style {@code [boxes, 5 + classes]}: centre x, centre y, width, height, objectness, then class
     * probabilities. A box's score for class c is {@code objectness * p_c}; its label the most probable class.
     */
    YOLO_V5("yolov5"),
    /**
     * YOLOv8-style {@code [4 + classes, boxes]}: centre x, centre y, width, height, then class scores, box-minor.
     * A box's score for class c is {@code p_c}; its label the highest-scoring class.
     */
    YOLO_V8("yolov8"),
    /**
     * Detections after NMS, {@code [boxes, 6]}: x1, y1, x2, y2, score, class (as a float). A box's score is its
     * score for its own class and 0 for every other; the class column gets no gradient.
     */
    XYXY_SCORE_CLASS("xyxy-score-class");

    private final String cliName;

    DetectionLayout(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line, e.g. {@code yolov5}. */
    public String cliName() {
        return cliName;
    }

    /**
     * The layout named {@code name} ({@link #cliName()} or the constant's name, any case).
     *
     * @throws InvalidArgumentException listing the names
     */
    public static DetectionLayout named(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (DetectionLayout l : values()) {
            if (l.cliName.equals(n) || l.name().toLowerCase(Locale.ROOT).equals(n)) {
                return l;
            }
        }
        throw new InvalidArgumentException("unknown detection layout '" + name + "'; use yolov5, yolov8 or "
                + "xyxy-score-class");
    }

    /**
     * The likely layout of a [rows, columns] output: {@link #YOLO_V8} if it has fewer rows than columns (a few
     * attributes, many boxes), else {@link #YOLO_V5}. Post-NMS outputs must be named explicitly.
     */
    public static DetectionLayout guess(Shape perImage) {
        return perImage.rank() == 2 && perImage.dim(0) < perImage.dim(1) ? YOLO_V8 : YOLO_V5;
    }

    /**
     * The number of candidate boxes in one image's output.
     *
     * @throws InvalidInputException if the output does not have this layout's shape
     */
    public int boxes(Shape perImage) {
        check(perImage);
        return this == YOLO_V8 ? perImage.intDim(1) : perImage.intDim(0);
    }

    /** The number of classes (1 for {@link #XYXY_SCORE_CLASS}, whose class is a column). */
    public int classes(Shape perImage) {
        check(perImage);
        return switch (this) {
            case YOLO_V5 -> perImage.intDim(1) - 5;
            case YOLO_V8 -> perImage.intDim(0) - 4;
            case XYXY_SCORE_CLASS -> 1;
        };
    }

    /** Box {@code i} of one image's output. */
    public Box box(FloatTensor out, int i) {
        if (this == XYXY_SCORE_CLASS) {
            return new Box(get(out, i, 0), get(out, i, 1), Math.max(get(out, i, 0), get(out, i, 2)),
                    Math.max(get(out, i, 1), get(out, i, 3)));
        }
        double w = Math.max(0, get(out, i, 2));
        double h = Math.max(0, get(out, i, 3));
        return Box.ofCenter(get(out, i, 0), get(out, i, 1), w, h);
    }

    /** The label of box {@code i}: its highest-scoring class. */
    public int label(FloatTensor out, int i) {
        if (this == XYXY_SCORE_CLASS) {
            return (int) Math.round(get(out, i, 5));
        }
        int first = firstClass();
        int best = 0;
        for (int c = 1; c < classes(out.shape()); c++) {
            if (get(out, i, first + c) > get(out, i, first + best)) {
                best = c;
            }
        }
        return best;
    }

    /** The score of class {@code c} at box {@code i} (see each layout). */
    public double score(FloatTensor out, int i, int c) {
        checkClass(out.shape(), c);
        return switch (this) {
            case YOLO_V5 -> (double) get(out, i, 4) * get(out, i, 5 + c);
            case YOLO_V8 -> get(out, i, 4 + c);
            case XYXY_SCORE_CLASS -> label(out, i) == c ? get(out, i, 4) : 0;
        };
    }

    /** Adds {@code d * dscore(i, c)/dout} to {@code g}. */
    void addScoreGradient(FloatTensor out, int i, int c, double d, float[] g) {
        Shape s = out.shape();
        switch (this) {
            case YOLO_V5 -> {
                g[at(s, i, 4)] += (float) (d * get(out, i, 5 + c));
                g[at(s, i, 5 + c)] += (float) (d * get(out, i, 4));
            }
            case YOLO_V8 -> g[at(s, i, 4 + c)] += (float) d;
            case XYXY_SCORE_CLASS -> {
                if (label(out, i) == c) {
                    g[at(s, i, 4)] += (float) d;
                }
            }
        }
    }

    /** Adds the gradient of a function of box {@code i}'s corners, given its partials, to {@code g}. */
    void addBoxGradient(FloatTensor out, int i, double dx1, double dy1, double dx2, double dy2, float[] g) {
        Shape s = out.shape();
        if (this == XYXY_SCORE_CLASS) {
            g[at(s, i, 0)] += (float) dx1;
            g[at(s, i, 1)] += (float) dy1;
            g[at(s, i, 2)] += (float) dx2;
            g[at(s, i, 3)] += (float) dy2;
            return;
        }
        // x1 = cx - w/2, x2 = cx + w/2 (and likewise in y).
        g[at(s, i, 0)] += (float) (dx1 + dx2);
        g[at(s, i, 1)] += (float) (dy1 + dy2);
        g[at(s, i, 2)] += (float) ((dx2 - dx1) / 2);
        g[at(s, i, 3)] += (float) ((dy2 - dy1) / 2);
    }

    private int firstClass() {
        return this == YOLO_V5 ? 5 : 4;
    }

    private float get(FloatTensor out, int box, int attr) {
        return out.getFlat(at(out.shape(), box, attr));
    }

    /** The flat offset of attribute {@code attr} of box {@code box}. */
    int at(Shape s, int box, int attr) {
        return this == YOLO_V8 ? attr * s.intDim(1) + box : box * s.intDim(1) + attr;
    }

    void checkBox(Shape perImage, int box) {
        int n = boxes(perImage);
        if (box < 0 || box >= n) {
            throw new InvalidInputException("box " + box + " is out of range: the " + cliName + " output " + perImage
                    + " has " + n + " boxes (0.." + (n - 1) + ")");
        }
    }

    void checkClass(Shape perImage, int c) {
        int n = classes(perImage);
        if (this != XYXY_SCORE_CLASS && (c < 0 || c >= n)) {
            throw new InvalidInputException("class " + c + " is out of range: the " + cliName + " output " + perImage
                    + " has " + n + " classes (0.." + (n - 1) + ")");
        }
    }

    private void check(Shape s) {
        boolean ok = s.rank() == 2 && switch (this) {
            case YOLO_V5 -> s.dim(1) >= 6;
            case YOLO_V8 -> s.dim(0) >= 5;
            case XYXY_SCORE_CLASS -> s.dim(1) == 6;
        };
        if (!ok) {
            throw new InvalidInputException("a " + cliName + " detection output per image must be " + switch (this) {
                case YOLO_V5 -> "[boxes, 5 + classes]";
                case YOLO_V8 -> "[4 + classes, boxes]";
                case XYXY_SCORE_CLASS -> "[boxes, 6] (x1, y1, x2, y2, score, class)";
            } + ", got " + s + "; name the layout that fits (yolov5, yolov8, xyxy-score-class) or explain another "
                    + "output (--output)");
        }
    }
}
