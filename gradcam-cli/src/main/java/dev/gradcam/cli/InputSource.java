package dev.gradcam.cli;

import dev.gradcam.api.tensor.FloatTensor;
import java.awt.image.BufferedImage;

/**
 * The images to explain, loaded a batch at a time: image files, a folder of images, in-memory images or a
 * {@code .npy} tensor. Not thread-safe.
 */
interface InputSource {

    /** Number of images. */
    int size();

    /** A file-name-safe name for image {@code i}, used for its output files. */
    String name(int i);

    /** Images {@code from} (inclusive) to {@code to} (exclusive) as one model input batch [n, C, H, W]. */
    FloatTensor load(int from, int to);

    /** What image {@code i} looks like, for drawing its heatmap on; {@code input} is its [1, C, H, W] tensor. */
    BufferedImage backdrop(int i, FloatTensor input);

    /** Whether consecutive images can share a batch (their tensors have equal shapes). */
    boolean batchable();

    /** A short description for the summary, e.g. the path. */
    String describe();
}
