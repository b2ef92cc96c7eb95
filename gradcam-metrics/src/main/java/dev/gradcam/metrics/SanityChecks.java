package dev.gradcam.metrics;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sanity checks for saliency maps (Adebayo et al. 2018). Cascading model-parameter randomisation: re-explain with the
 * model's layers re-initialised from the output backwards, one more layer per step, and measure how similar each
 * step's maps stay to the trained model's (a method that explains the model must change; one that stays alike is
 * insensitive to what the model learned). The random-logit test (Sixt et al. 2020): explain a random other class
 * and measure how similar that map is to the explained class's. Backend-agnostic: steps are models the caller
 * supplies (for ONNX files, {@code dev.gradcam.onnx.model.ParameterRandomization} writes them). Stateless.
 */
public final class SanityChecks {

    private SanityChecks() {
    }

    /**
     * One step of a cascade.
     *
     * @param name  what is randomised up to this step, e.g. the last layer added
     * @param model opens the step's model; the check closes it
     */
    public record Step(String name, Supplier<DifferentiableModel> model) {
        public Step {
            InvalidArgumentException.requireNonNull(name, "name");
            InvalidArgumentException.requireNonNull(model, "model");
        }
    }

    /**
     * Similarity of one step's maps to the original maps: per image, and the maps themselves ([N, H, W]).
     */
    public record StepResult(String step, double[] spearman, double[] ssim, double[] hog, FloatTensor maps) {

        public double meanSpearman() {
            return mean(spearman);
        }

        public double meanSsim() {
            return mean(ssim);
        }

        public double meanHog() {
            return mean(hog);
        }
    }

    /** A method's cascade: step 0 is the original model (similarity 1), then one entry per randomisation step. */
    public record Cascade(String method, List<StepResult> steps) {
        public Cascade {
            steps = List.copyOf(steps);
        }
    }

    /**
     * Runs the cascade for a method. {@code method} binds the method to a model and returns maps [N, H, W] in
     * [0, 1]; {@code targets} are pinned on the original model first, so every step explains the same class.
     * Maps are compared with {@link MapSimilarity} (SSIM with data range 1; HOG where the maps are at least
     * 24 x 24, NaN otherwise).
     */
    public static Cascade cascade(String name, Function<DifferentiableModel, MapFunction> method,
                                  DifferentiableModel original, List<Step> steps, FloatTensor images,
                                  List<Target> targets) {
        Batches.checkTargets(images, targets);
        List<Target> pinned = Targets.pinTopClass(targets, original.forward(images));
        FloatTensor reference = method.apply(original).maps(images, pinned);
        List<StepResult> out = new ArrayList<>();
        out.add(compare("original", reference, reference));
        for (Step s : steps) {
            try (DifferentiableModel m = s.model().get()) {
                out.add(compare(s.name(), reference, method.apply(m).maps(images, pinned)));
            }
        }
        return new Cascade(name, out);
    }

    /**
     * The random-logit test: per image, the SSIM (data range 1) between the map for the image's target class and
     * the map for a class drawn uniformly from the other {@code classes - 1}. Low values mean the method tells
     * classes apart. {@code targets} must be class targets (top-class ones are pinned on {@code model}).
     */
    public static double[] randomLogit(DifferentiableModel model, MapFunction method, FloatTensor images,
                                       List<Target> targets, int classes, long seed) {
        Batches.checkTargets(images, targets);
        if (classes < 2) {
            throw new InvalidInputException("the random-logit test needs at least 2 classes, got " + classes);
        }
        FloatTensor output = model.forward(images);
        List<Target> pinned = Targets.pinTopClass(targets, output);
        Random r = new Random(seed);
        List<Target> others = new ArrayList<>();
        for (int i = 0; i < pinned.size(); i++) {
            int c = pinned.get(i).classIndex(output.slice(i)).orElseThrow(() -> new InvalidInputException(
                    "the random-logit test needs class targets"));
            int other = r.nextInt(classes - 1);
            others.add(Targets.classLogit(other >= c ? other + 1 : other));
        }
        FloatTensor a = method.maps(images, pinned);
        FloatTensor b = method.maps(images, others);
        double[] out = new double[pinned.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = MapSimilarity.ssim(a.slice(i), b.slice(i), 1);
        }
        return out;
    }

    private static StepResult compare(String name, FloatTensor reference, FloatTensor maps) {
        if (!maps.shape().equals(reference.shape())) {
            throw new InvalidInputException("step " + name + " gave maps " + maps.shape() + ", the original "
                    + reference.shape());
        }
        int n = reference.shape().intDim(0);
        double[] sp = new double[n];
        double[] ss = new double[n];
        double[] hg = new double[n];
        boolean hogFits = reference.shape().intDim(1) >= 24 && reference.shape().intDim(2) >= 24;
        for (int i = 0; i < n; i++) {
            sp[i] = MapSimilarity.spearman(reference.slice(i), maps.slice(i));
            ss[i] = MapSimilarity.ssim(reference.slice(i), maps.slice(i), 1);
            hg[i] = hogFits ? MapSimilarity.hog(reference.slice(i), maps.slice(i)) : Double.NaN;
        }
        return new StepResult(name, sp, ss, hg, maps);
    }

    private static double mean(double[] v) {
        double s = 0;
        int k = 0;
        for (double x : v) {
            if (Double.isFinite(x)) {
                s += x;
                k++;
            }
        }
        return k == 0 ? Double.NaN : s / k;
    }
}
