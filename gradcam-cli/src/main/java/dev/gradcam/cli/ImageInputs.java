package dev.gradcam.cli;

import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Images, from files or memory, turned into input tensors with a {@link Preprocessing}. The backdrop of a heatmap is
 * the preprocessed image turned back into pixels, so both have the same size.
 */
final class ImageInputs implements InputSource {

    private final List<String> names;
    private final List<Supplier<BufferedImage>> images;
    private final Preprocessing preprocessing;
    private final String description;

    private ImageInputs(List<String> names, List<Supplier<BufferedImage>> images, Preprocessing preprocessing,
                        String description) {
        this.names = List.copyOf(names);
        this.images = List.copyOf(images);
        this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
        this.description = description;
    }

    /** Image files, read when their batch is loaded (the one {@code ahead} read, from it). */
    static ImageInputs files(List<Path> files, Preprocessing preprocessing, String description, ReadAhead ahead) {
        List<String> names = new ArrayList<>();
        List<Supplier<BufferedImage>> images = new ArrayList<>();
        for (Path f : files) {
            names.add(f.getFileName().toString());
            images.add(() -> ahead.read(f));
        }
        return new ImageInputs(OutputNames.unique(names), images, preprocessing, description);
    }

    /** Images already in memory. */
    static ImageInputs images(List<String> names, List<BufferedImage> images, Preprocessing preprocessing,
                              String description) {
        List<Supplier<BufferedImage>> s = new ArrayList<>();
        for (BufferedImage image : images) {
            s.add(() -> image);
        }
        return new ImageInputs(OutputNames.unique(names), s, preprocessing, description);
    }

    @Override
    public int size() {
        return names.size();
    }

    @Override
    public String name(int i) {
        return names.get(i);
    }

    @Override
    public FloatTensor load(int from, int to) {
        List<BufferedImage> batch = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            batch.add(images.get(i).get());
        }
        return Images.toTensor(batch, preprocessing);
    }

    @Override
    public BufferedImage backdrop(int i, FloatTensor input) {
        return Images.toImage(input, preprocessing);
    }

    @Override
    public boolean batchable() {
        return preprocessing.width() > 0 || size() == 1;
    }

    @Override
    public String describe() {
        return description;
    }
}
