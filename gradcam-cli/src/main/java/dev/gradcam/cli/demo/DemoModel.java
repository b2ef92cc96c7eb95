package dev.gradcam.cli.demo;

import dev.gradcam.api.image.Preprocessing;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One of the demo's models: where its file was unpacked, the layer worth explaining, and how images become its input.
 *
 * @param name          a short name for output, e.g. {@code text-direction classifier}
 * @param file          the unpacked {@code .onnx} file (a temporary file, deleted when the JVM exits)
 * @param layer         the tensor to explain, a late convolutional feature map
 * @param preprocessing how a rendered image becomes an input tensor (size, channel order, values)
 * @param labels        class names by index; empty for models that do not classify
 */
public record DemoModel(String name, Path file, String layer, Preprocessing preprocessing, List<String> labels) {

    public DemoModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(preprocessing, "preprocessing");
        labels = List.copyOf(labels);
    }

    /** The label of class {@code index}, or {@code class N} when there is none. */
    public String label(int index) {
        return index >= 0 && index < labels.size() ? labels.get(index) : "class " + index;
    }
}
