package dev.gradcam.cli;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code .npy} float tensor [N, C, H, W] (or one image [C, H, W]) used as the model input exactly as stored (no preprocessing). Heatmaps
 * are drawn on the tensor itself, each image scaled to 0..255 (three channels as RGB, otherwise their mean as grey).
 */
final class NpyInput implements InputSource {

    private final FloatTensor tensor;
    private final String stem;
    private final String description;

    private NpyInput(FloatTensor tensor, String stem, String description) {
        this.tensor = tensor;
        this.stem = stem;
        this.description = description;
    }

    /**
     * Reads the file.
     *
     * @throws dev.gradcam.api.ModelLoadException if it cannot be read
     * @throws InvalidInputException              if it is not a rank-4 tensor
     */
    static NpyInput read(Path file) {
        FloatTensor t = Npy.read(file);
        if (t.shape().rank() == 3) {
            // One image without a batch axis, as models such as torchvision's detectors take it.
            t = FloatTensor.stack(List.of(t));
        }
        if (t.shape().rank() != 4 || t.shape().dim(0) < 1) {
            throw new InvalidInputException(".npy input " + file + " has shape " + t.shape()
                    + "; expected a float32 batch [N, C, H, W] with N >= 1, or one image [C, H, W]");
        }
        String name = file.getFileName().toString();
        return new NpyInput(t, name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name, file.toString());
    }

    @Override
    public int size() {
        return tensor.shape().intDim(0);
    }

    @Override
    public String name(int i) {
        return size() == 1 ? stem : stem + "-" + i;
    }

    @Override
    public FloatTensor load(int from, int to) {
        List<FloatTensor> parts = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            parts.add(tensor.slice(i));
        }
        return FloatTensor.stack(parts);
    }

    @Override
    public BufferedImage backdrop(int i, FloatTensor input) {
        Shape s = input.shape();
        int c = s.intDim(s.rank() - 3);
        int h = s.intDim(s.rank() - 2);
        int w = s.intDim(s.rank() - 1);
        int n = h * w;
        float min = input.min();
        float max = input.max();
        float range = max > min ? max - min : 1f;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < n; p++) {
            int rgb;
            if (c == 3) {
                rgb = level(input.getFlat(p), min, range) << 16 | level(input.getFlat(n + p), min, range) << 8
                        | level(input.getFlat(2 * n + p), min, range);
            } else {
                float sum = 0;
                for (int k = 0; k < c; k++) {
                    sum += input.getFlat(k * n + p);
                }
                int g = level(sum / c, min, range);
                rgb = g << 16 | g << 8 | g;
            }
            image.setRGB(p % w, p / w, rgb);
        }
        return image;
    }

    @Override
    public boolean batchable() {
        return true;
    }

    @Override
    public String describe() {
        return description;
    }

    private static int level(float v, float min, float range) {
        return Math.max(0, Math.min(255, Math.round(255 * (v - min) / range)));
    }
}
