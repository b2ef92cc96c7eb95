package dev.gradcam.cli;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.Models;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The {@code --input} options of one run: one path for a model with one input, or {@code NAME=PATH} for each input
 * of a model with several, and which input to attribute to ({@code --attribute}). The other inputs are read once and
 * held fixed: their batch is either one (used for every image) or as large as the attributed input's.
 */
final class InputPlan {

    private final List<String> given;

    InputPlan(List<String> given) {
        this.given = List.copyOf(given);
    }

    /** Whether no input was given. */
    boolean isEmpty() {
        return given.isEmpty();
    }

    /**
     * The path of each model input.
     *
     * @throws IllegalArgumentException if the options do not name every input of {@code model} exactly once
     */
    Map<String, Path> paths(DifferentiableModel model) {
        List<String> names = model.inputs().stream().map(ValueInfo::name).toList();
        Map<String, Path> out = new LinkedHashMap<>();
        List<String> unnamed = new ArrayList<>();
        for (String g : given) {
            int eq = g.indexOf('=');
            String name = eq > 0 ? g.substring(0, eq) : null;
            if (name != null && names.contains(name)) {
                if (out.put(name, Path.of(g.substring(eq + 1))) != null) {
                    throw new IllegalArgumentException("--input " + name + "=... is given twice");
                }
            } else {
                unnamed.add(g);
            }
        }
        if (names.size() == 1 && out.isEmpty() && unnamed.size() == 1) {
            out.put(names.get(0), Path.of(unnamed.get(0)));
            return out;
        }
        if (!unnamed.isEmpty() || out.size() != names.size()) {
            List<String> missing = names.stream().filter(n -> !out.containsKey(n)).toList();
            throw new IllegalArgumentException(names.size() == 1
                    ? "give one --input PATH (the model's input is '" + names.get(0) + "')"
                    : "the model has inputs " + names + ": give each as --input NAME=PATH"
                    + (missing.isEmpty() ? "" : "; missing: " + missing)
                    + (unnamed.isEmpty() ? "" : "; not an input name: " + unnamed));
        }
        return out;
    }

    /**
     * The model as seen when attributing to {@code attributed} for images {@code from} (inclusive) to {@code to}:
     * the model itself when it has one input, else a view with the other inputs fixed.
     *
     * @param fixed each other input's whole tensor
     */
    static DifferentiableModel view(DifferentiableModel model, String attributed, Map<String, FloatTensor> fixed,
                                    int from, int to) {
        if (fixed.isEmpty()) {
            return model;
        }
        Map<String, FloatTensor> slices = new LinkedHashMap<>();
        fixed.forEach((name, t) -> slices.put(name, t.shape().dim(0) == 1 ? t : range(t, from, to)));
        return Models.withFixedInputs(model, attributed, slices);
    }

    /**
     * Reads every input other than {@code attributed}, each with its own preprocessing.
     *
     * @param images the number of images of the attributed input
     * @throws InvalidInputException if one holds neither one image nor {@code images}
     */
    static Map<String, FloatTensor> fixed(Map<String, Path> paths, String attributed, int images,
                                          Function<String, Preprocessing> preprocessing) {
        Objects.requireNonNull(attributed, "attributed");
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : paths.entrySet()) {
            if (e.getKey().equals(attributed)) {
                continue;
            }
            InputSource s = InputSources.open(e.getValue(), preprocessing.apply(e.getKey()));
            if (s.size() != 1 && s.size() != images) {
                throw new InvalidInputException("input '" + e.getKey() + "' (" + e.getValue() + ") holds " + s.size()
                        + " images, the attributed input '" + attributed + "' " + images + "; give 1 (used for every "
                        + "image) or " + images);
            }
            out.put(e.getKey(), s.load(0, s.size()));
        }
        return out;
    }

    private static FloatTensor range(FloatTensor t, int from, int to) {
        List<FloatTensor> parts = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            parts.add(t.slice(i));
        }
        return FloatTensor.stack(parts);
    }
}
