package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** Factories for {@link Target}s, and the conversion of per-image targets into one backend {@link Seed}. */
public final class Targets {

    private Targets() {
    }

    /** The logit of class {@code index} (Grad-CAM's target). */
    public static Target classLogit(int index) {
        return new ClassLogit(index);
    }

    /** The softmax probability of class {@code index}, the softmax taken over the image's whole output. */
    public static Target classProbability(int index) {
        return new ClassProbability(index);
    }

    /** The sigmoid probability of a binary output at {@code index} (use 0 for a single-logit model). */
    public static Target binary(int index) {
        return new BinaryOutput(index, true);
    }

    /** One minus the sigmoid probability at {@code index}: explains the negative class of a binary output. */
    public static Target binaryNegative(int index) {
        return new BinaryOutput(index, false);
    }

    /** The sum of a spatial output's {@code channel} weighted by {@code mask} [H, W] (segmentation, detection maps). */
    public static Target region(int channel, FloatTensor mask) {
        return new Region(channel, InvalidArgumentException.requireNonNull(mask, "mask"));
    }

    /**
     * One element of an image's output, by one index per axis of the output of one image (the batch axis left out),
     * or by one flat index: e.g. {@code element(1234, 7)} is attribute 7 of box 1234 of a [boxes, attributes] output.
     */
    public static Target element(int... index) {
        return new Element(InvalidArgumentException.requireNonNull(index, "index"));
    }

    /**
     * The score of class {@code classIndex} at candidate box {@code box} of a raw detection output: objectness times
     * class probability for {@link DetectionLayout#YOLO_V5}, the class score for {@link DetectionLayout#YOLO_V8}.
     */
    public static Target detection(DetectionLayout layout, int box, int classIndex) {
        return new DetectionScore(layout, box, classIndex);
    }

    /**
     * pytorch-grad-cam's FasterRCNNBoxScoreTarget: for each reference box, the predicted box of highest IoU with it
     * adds {@code IoU + score} when the IoU exceeds the reference's threshold and the labels agree (0 otherwise).
     * Candidates are all boxes of the output, as pytorch-grad-cam takes all boxes Faster R-CNN returns: explain a
     * raw head with the boxes it detected and the box itself is matched (IoU 1).
     */
    public static Target boxScore(DetectionLayout layout, List<ReferenceBox> references) {
        return new BoxScore(layout, InvalidArgumentException.requireNonNull(references, "references"));
    }

    /**
     * The cosine similarity of an image's output embedding with {@code reference} (same number of elements), as
     * pytorch-grad-cam's embeddings tutorial: what makes this face, product or scene look like the reference.
     */
    public static Target cosineSimilarity(FloatTensor reference) {
        return new Similarity(InvalidArgumentException.requireNonNull(reference, "reference"), true);
    }

    /** The dot product of an image's output embedding with {@code reference}. Linear in the output. */
    public static Target dotProduct(FloatTensor reference) {
        return new Similarity(InvalidArgumentException.requireNonNull(reference, "reference"), false);
    }

    /**
     * ReST of class {@code index} (Cai et al. 2025; pytorch-grad-cam's {@code ClassifierOutputReST}): the logit minus
     * the class's cross-entropy, {@code 2 y_c - logsumexp(y)}; the target the ShapleyCAM paper recommends.
     */
    public static Target rest(int index) {
        return new Rest(index);
    }

    /** The sum of each image's whole output (pytorch-grad-cam's {@code RawScoresOutputTarget}). */
    public static Target rawScores() {
        return new RawScores();
    }

    /**
     * Finer-CAM's weighted difference (Zhang et al. 2025; pytorch-grad-cam's {@code FinerWeightedTarget}):
     * {@code sum_j p_j (y_main - alpha y_j) / (sum_j p_j + 1e-9)} over the comparison classes j, p the softmax.
     * {@code CamMethods.finerCam()} chooses the comparison classes from the output for you.
     *
     * @throws dev.gradcam.api.InvalidArgumentException for a negative class, no comparison class or a non-finite alpha
     */
    public static Target finer(int main, int[] comparison, double alpha) {
        InvalidArgumentException.requireNonNull(comparison, "comparison");
        return new FinerTarget(main, comparison, alpha);
    }

    /** The highest-scoring class's logit: the default target. */
    public static Target topClass() {
        return new TopClass();
    }

    /**
     * A user-defined target.
     *
     * @param description for results
     * @param score       the scalar
     * @param gradient    its gradient with respect to the output, same shape as the output
     * @param linear      true if the gradient ignores the output's values (allows single-pass backends)
     */
    public static Target custom(String description, ToDoubleFunction<FloatTensor> score,
                                Function<FloatTensor, FloatTensor> gradient, boolean linear) {
        return new CustomTarget(description, score, gradient, linear);
    }

    /**
     * The seed for a batch with one target per image: {@link Seed.TopClass} when every target is the top class,
     * {@link Seed.OfShape} when no target depends on output values, {@link Seed.OfOutput} otherwise.
     *
     * @throws InvalidInputException if the number of targets differs from the batch size
     */
    public static Seed seedFor(List<Target> targets, int batch) {
        InvalidArgumentException.requireNonNull(targets, "targets");
        if (targets.size() != batch) {
            throw new InvalidInputException("need one target per image: " + batch + " images, " + targets.size()
                    + " targets");
        }
        List<Target> ts = List.copyOf(targets);
        if (ts.stream().allMatch(t -> t instanceof TopClass)) {
            return new Seed.TopClass();
        }
        if (ts.stream().noneMatch(Target::dependsOnOutput)) {
            return new Seed.OfShape(shape -> batchGradient(ts, FloatTensor.zeros(shape)));
        }
        return new Seed.OfOutput(out -> batchGradient(ts, out), (out, dir) -> batchHessianVector(ts, out, dir));
    }

    /**
     * The targets with each top-class target replaced by the logit of the class that {@code output} (the unmodified
     * images' output, [N, ...]) scores highest, so that methods scoring modified inputs (masked, ablated, augmented,
     * noisy) keep explaining that class instead of whichever class wins on the modified input.
     */
    public static List<Target> pinTopClass(List<Target> targets, FloatTensor output) {
        InvalidArgumentException.requireNonNull(targets, "targets");
        List<Target> out = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            out.add(t instanceof TopClass ? classLogit(output.slice(i).argMax()) : t);
        }
        return out;
    }

    /** Each image's score. */
    public static double[] scores(List<Target> targets, FloatTensor output) {
        InvalidArgumentException.requireNonNull(targets, "targets");
        double[] s = new double[targets.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = targets.get(i).score(output.slice(i));
        }
        return s;
    }

    private static FloatTensor batchGradient(List<Target> targets, FloatTensor output) {
        Shape s = output.shape();
        if (s.rank() < 1 || s.dim(0) != targets.size()) {
            throw new InvalidInputException("output " + s + " does not have a batch axis of " + targets.size());
        }
        List<FloatTensor> parts = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            FloatTensor slice = output.slice(i);
            FloatTensor g = targets.get(i).gradient(slice);
            if (!g.shape().equals(slice.shape())) {
                throw new InvalidInputException("target '" + targets.get(i).describe() + "' returned a gradient of shape "
                        + g.shape() + " for an output of shape " + slice.shape());
            }
            parts.add(g);
        }
        return FloatTensor.stack(parts);
    }

    private static FloatTensor batchHessianVector(List<Target> targets, FloatTensor output, FloatTensor direction) {
        if (!direction.shape().equals(output.shape()) || output.shape().dim(0) != targets.size()) {
            throw new InvalidInputException("a direction " + direction.shape() + " for an output " + output.shape()
                    + " of " + targets.size() + " images");
        }
        List<FloatTensor> parts = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            FloatTensor slice = output.slice(i);
            FloatTensor h = targets.get(i).hessianVector(slice, direction.slice(i));
            if (!h.shape().equals(slice.shape())) {
                throw new InvalidInputException("target '" + targets.get(i).describe() + "' returned a Hessian-vector "
                        + "product of shape " + h.shape() + " for an output of shape " + slice.shape());
            }
            parts.add(h);
        }
        return FloatTensor.stack(parts);
    }

    static void checkClass(FloatTensor output, int index) {
        if (index >= output.size()) {
            throw new InvalidInputException("class index " + index + " is out of range: the output of one image has "
                    + output.size() + " elements (shape " + output.shape() + "); valid: 0.." + (output.size() - 1));
        }
    }
}
