package dev.gradcam.cli;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.Size;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.target.DetectionLayout;
import dev.gradcam.api.target.ReferenceBox;
import dev.gradcam.api.target.RegionMasks;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The {@code --target} options of one run turned into one target per image. Several options are allowed only when
 * all are boxes: they form one box-score target, as pytorch-grad-cam's FasterRCNNBoxScoreTarget takes a list.
 * Targets that depend on the explained output (regions, detections without an explicit layout, similarity to an
 * image) run the model forward once per batch, on the explained output ({@code --output}).
 */
final class TargetPlan {

    private final List<TargetSpec> specs;
    private final DetectionLayout layout;

    /**
     * @param specs  the parsed options, at least one
     * @param layout the detection layout, or null to guess it from the output's shape
     * @throws IllegalArgumentException if several options are given and not all are boxes
     */
    TargetPlan(List<TargetSpec> specs, DetectionLayout layout) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no --target given");
        }
        if (specs.size() > 1 && specs.stream().anyMatch(s -> s.kind() != TargetSpec.Kind.BOX)) {
            throw new IllegalArgumentException("only box targets can be repeated (they add up, as in "
                    + "FasterRCNNBoxScoreTarget); got " + text(specs));
        }
        this.specs = List.copyOf(specs);
        this.layout = layout;
    }

    /** The targets as written, space-separated. */
    String text() {
        return text(specs);
    }

    private static String text(List<TargetSpec> specs) {
        return specs.stream().map(TargetSpec::text).collect(Collectors.joining(" "));
    }

    /** The kind of the (first) target. */
    TargetSpec.Kind kind() {
        return specs.get(0).kind();
    }

    /**
     * One target per image of {@code batch}.
     *
     * @param output        the explained output as given ({@code --output}: a model output, layer or module path), or
     *                      null for the first output
     * @param preprocessing how to read a reference image ({@code similar-to:REF.png})
     * @throws InvalidInputException if the output does not suit the target
     */
    List<Target> targets(DifferentiableModel model, String output, FloatTensor batch, Preprocessing preprocessing) {
        int n = batch.shape().intDim(0);
        TargetSpec spec = specs.get(0);
        String explained = explainedOutput(model, output);
        return switch (spec.kind()) {
            case TOP -> Collections.nCopies(n, Targets.topClass());
            case CLASS -> Collections.nCopies(n, Targets.classLogit(spec.index()));
            case RAW_SCORES -> Collections.nCopies(n, Targets.rawScores());
            case SOFTMAX, REST -> {
                FloatTensor values = spec.index() < 0 ? forward(model, explained, batch) : null;
                List<Target> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int c = spec.index() >= 0 ? spec.index() : values.slice(i).argMax();
                    out.add(spec.kind() == TargetSpec.Kind.SOFTMAX ? Targets.classProbability(c) : Targets.rest(c));
                }
                yield out;
            }
            case ELEMENT -> Collections.nCopies(n,
                    Targets.element(spec.indices().stream().mapToInt(Integer::intValue).toArray()));
            case DETECTION -> {
                DetectionLayout l = layout != null ? layout : guessLayout(model, explained, batch);
                yield Collections.nCopies(n, Targets.detection(l, spec.box(), spec.index()));
            }
            case BOX -> {
                DetectionLayout l = layout != null ? layout : guessLayout(model, explained, batch);
                List<ReferenceBox> refs = specs.stream().map(TargetSpec::reference).toList();
                yield Collections.nCopies(n, Targets.boxScore(l, refs));
            }
            case REGION -> regions(spec, forward(model, explained, batch));
            case SIMILAR -> Collections.nCopies(n,
                    Targets.cosineSimilarity(reference(spec.file(), model, explained, preprocessing)));
        };
    }

    private List<Target> regions(TargetSpec spec, FloatTensor output) {
        int n = output.shape().intDim(0);
        List<Target> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FloatTensor o = output.slice(i);
            Shape s = o.shape();
            if (s.rank() != 3 || spec.index() >= s.dim(0)) {
                throw new InvalidInputException("target '" + spec.text() + "' needs a spatial output [N, C, H, W] with "
                        + "more than " + spec.index() + " channel(s), but the explained output per image is " + s
                        + "; use 'top' or a class index for classifiers, element:... for other outputs");
            }
            FloatTensor mask;
            if (spec.file() != null) {
                mask = RegionMasks.fromImage(Images.read(spec.file()), Size.ofTensorDims(s.dim(1), s.dim(2)));
            } else if (Double.isNaN(spec.threshold()) && s.dim(0) > 1) {
                mask = RegionMasks.predicted(o, spec.index());
            } else {
                double threshold = Double.isNaN(spec.threshold()) ? TargetSpec.DEFAULT_THRESHOLD : spec.threshold();
                mask = RegionMasks.thresholded(o, spec.index(), threshold);
            }
            if (mask.sum() == 0) {
                throw new InvalidInputException("target '" + spec.text() + "' selects no pixel in image " + i + ": "
                        + emptyReason(spec, o));
            }
            out.add(Targets.region(spec.index(), mask));
        }
        return out;
    }

    private static String emptyReason(TargetSpec spec, FloatTensor o) {
        if (spec.file() != null) {
            return "mask " + spec.file() + " has no white pixel (grey level >= 128)";
        }
        if (Double.isNaN(spec.threshold()) && o.shape().dim(0) > 1) {
            return "no pixel is predicted as class " + spec.index() + "; give a threshold (region:" + spec.index()
                    + ":0.5) or a mask (region:" + spec.index() + ":mask.png)";
        }
        double t = Double.isNaN(spec.threshold()) ? TargetSpec.DEFAULT_THRESHOLD : spec.threshold();
        int plane = o.shape().intDim(1) * o.shape().intDim(2);
        float max = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < plane; p++) {
            max = Math.max(max, o.getFlat(spec.index() * plane + p));
        }
        return "no pixel of channel " + spec.index() + " exceeds " + t + " (its maximum is " + max
                + "); lower the threshold, e.g. region:" + spec.index() + ":" + (t / 2);
    }

    /** The reference embedding: a .npy as is, or the model's explained output for an image. */
    private static FloatTensor reference(Path file, DifferentiableModel model, String explained, Preprocessing p) {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            FloatTensor r = Npy.read(file);
            return r.shape().rank() > 1 && r.shape().dim(0) == 1 ? r.slice(0) : r;
        }
        FloatTensor image = Images.load(file, p);
        return forward(model, explained, image).slice(0);
    }

    private static DetectionLayout guessLayout(DifferentiableModel model, String explained, FloatTensor batch) {
        return DetectionLayout.guess(forward(model, explained, batch.shape().dim(0) > 1 ? first(batch) : batch)
                .shape().dropFirst(1));
    }

    private static FloatTensor first(FloatTensor batch) {
        return FloatTensor.stack(List.of(batch.slice(0)));
    }

    private static FloatTensor forward(DifferentiableModel model, String explained, FloatTensor batch) {
        return model.run(PassRequest.builder(batch).output(explained).build()).output();
    }

    /** The explained output's tensor name: as Explainer resolves it (a model output, else a layer). */
    static String explainedOutput(DifferentiableModel model, String output) {
        if (output == null || model.outputs().stream().map(ValueInfo::name).anyMatch(output::equals)) {
            return output;
        }
        return model.resolveLayer(output).name();
    }
}
