package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;

/**
 * The similarity of an image's output embedding {@code a} with a reference embedding {@code r}, as in
 * pytorch-grad-cam's embeddings tutorial (SimilarityToConceptTarget): cosine {@code a.r / (|a| |r|)}, gradient
 * {@code r / (|a| |r|) - cos * a / |a|^2}; or the dot product {@code a.r}, gradient {@code r}.
 */
final class Similarity implements Target {

    private final FloatTensor reference;
    private final boolean cosine;
    private final double referenceNorm;

    Similarity(FloatTensor reference, boolean cosine) {
        this.reference = reference;
        this.cosine = cosine;
        this.referenceNorm = reference.norm();
        if (cosine && !(referenceNorm > 0)) {
            throw new InvalidArgumentException("a cosine-similarity reference must be non-zero and finite, its norm is "
                    + referenceNorm);
        }
    }

    @Override
    public double score(FloatTensor output) {
        check(output);
        double dot = dot(output);
        return cosine ? dot / (output.norm() * referenceNorm) : dot;
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        check(output);
        float[] g = new float[output.size()];
        if (!cosine) {
            reference.copyTo(g, 0);
            return FloatTensor.wrapOwned(output.shape(), g);
        }
        double na = output.norm();
        if (!(na > 0)) {
            throw new InvalidInputException("the output embedding is zero: its cosine similarity has no gradient");
        }
        double cos = dot(output) / (na * referenceNorm);
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (reference.getFlat(i) / (na * referenceNorm) - cos * output.getFlat(i) / (na * na));
        }
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    @Override
    public boolean dependsOnOutput() {
        return cosine;
    }

    @Override
    public String describe() {
        return (cosine ? "cosine" : "dot") + "-similarity[" + reference.size() + "-d reference]";
    }

    private double dot(FloatTensor output) {
        double s = 0;
        for (int i = 0; i < output.size(); i++) {
            s += (double) output.getFlat(i) * reference.getFlat(i);
        }
        return s;
    }

    private void check(FloatTensor output) {
        if (output.size() != reference.size()) {
            throw new InvalidInputException("the reference embedding has " + reference.size() + " elements (shape "
                    + reference.shape() + "), the output of one image " + output.size() + " (shape " + output.shape()
                    + "); compute the reference with the same model and output");
        }
    }
}
