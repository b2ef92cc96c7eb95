package dev.gradcam.nd4j.demo;

import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A generated image classification task with known object locations: one bright shape (filled square, hollow square or plus sign)
 * at a random position and size on a noisy dark background, one grey channel. Because the only evidence for the
 * class is the object, a trustworthy saliency map must peak inside the object's bounding box (the pointing game).
 *
 * <p>Deterministic for a given seed. Immutable and thread-safe.
 */
public final class ShapesDataset {

    /** The classes, in label order. */
    public enum Kind {
        /** A filled square. */
        SQUARE,
        /** A hollow square: a frame two pixels wide. */
        FRAME,
        /** A plus sign whose arms are a third of the side wide. */
        CROSS
    }

    /**
     * Where the object lies, in pixels, inclusive.
     *
     * @param x0 left column
     * @param y0 top row
     * @param x1 right column
     * @param y1 bottom row
     */
    public record Box(int x0, int y0, int x1, int y1) {
        /** True if pixel (row {@code y}, column {@code x}) lies in the box. */
        public boolean contains(int y, int x) {
            return x >= x0 && x <= x1 && y >= y0 && y <= y1;
        }
    }

    private final int size;
    private final float[] pixels;
    private final int[] labels;
    private final List<Box> boxes;

    private ShapesDataset(int size, float[] pixels, int[] labels, List<Box> boxes) {
        this.size = size;
        this.pixels = pixels;
        this.labels = labels;
        this.boxes = List.copyOf(boxes);
    }

    /**
     * Generates {@code count} images of {@code size} x {@code size} pixels.
     *
     * @param count number of images, classes in turn so they are balanced
     * @param size  image side, at least 16
     * @param seed  random seed: the same seed gives the same images
     */
    public static ShapesDataset generate(int count, int size, long seed) {
        if (count < 1 || size < 16) {
            throw new IllegalArgumentException("need count >= 1 and size >= 16, got count " + count + ", size " + size);
        }
        Random rnd = new Random(seed);
        int plane = size * size;
        float[] px = new float[count * plane];
        int[] labels = new int[count];
        List<Box> boxes = new ArrayList<>(count);
        Kind[] kinds = Kind.values();
        for (int i = 0; i < count; i++) {
            Kind kind = kinds[i % kinds.length];
            labels[i] = kind.ordinal();
            int side = size / 4 + rnd.nextInt(size / 8 + 1); // 8..12 pixels at 32 x 32
            int x0 = rnd.nextInt(size - side + 1);
            int y0 = rnd.nextInt(size - side + 1);
            int off = i * plane;
            for (int p = 0; p < plane; p++) {
                px[off + p] = (float) (0.1 * rnd.nextGaussian());
            }
            float brightness = (float) (0.8 + 0.2 * rnd.nextDouble());
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    if (inside(kind, x, y, side)) {
                        px[off + (y0 + y) * size + x0 + x] = brightness + (float) (0.05 * rnd.nextGaussian());
                    }
                }
            }
            boxes.add(new Box(x0, y0, x0 + side - 1, y0 + side - 1));
        }
        return new ShapesDataset(size, px, labels, boxes);
    }

    /** Whether pixel (x, y) of a side x side cell belongs to the shape. */
    private static boolean inside(Kind kind, int x, int y, int side) {
        double c = (side - 1) / 2.0;
        return switch (kind) {
            case SQUARE -> true;
            case FRAME -> x < 2 || y < 2 || x >= side - 2 || y >= side - 2;
            case CROSS -> Math.abs(x - c) <= side / 6.0 || Math.abs(y - c) <= side / 6.0;
        };
    }

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** Image side in pixels. */
    public int imageSize() {
        return size;
    }

    /** Number of classes. */
    public static int classes() {
        return Kind.values().length;
    }

    /** All images as [N, 1, size, size]. */
    public FloatTensor images() {
        return FloatTensor.of(Shape.of(labels.length, 1, size, size), pixels);
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive) as [to - from, 1, size, size]. */
    public FloatTensor images(int from, int to) {
        Objects.checkFromToIndex(from, to, labels.length);
        int plane = size * size;
        float[] part = new float[(to - from) * plane];
        System.arraycopy(pixels, from * plane, part, 0, part.length);
        return FloatTensor.wrapOwned(Shape.of(to - from, 1, size, size), part);
    }

    /** The label of image {@code i} ({@link Kind#ordinal()}). */
    public int label(int i) {
        return labels[i];
    }

    /** A copy of the labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** The bounding box of the object in image {@code i}. */
    public Box box(int i) {
        return boxes.get(i);
    }

    /** The objects' bounding boxes as masks [N, size, size]: 1 inside each image's box, 0 outside. */
    public FloatTensor boxMasks() {
        int plane = size * size;
        float[] m = new float[labels.length * plane];
        for (int i = 0; i < labels.length; i++) {
            Box b = boxes.get(i);
            for (int y = b.y0(); y <= b.y1(); y++) {
                for (int x = b.x0(); x <= b.x1(); x++) {
                    m[i * plane + y * size + x] = 1;
                }
            }
        }
        return FloatTensor.wrapOwned(Shape.of(labels.length, size, size), m);
    }
}
