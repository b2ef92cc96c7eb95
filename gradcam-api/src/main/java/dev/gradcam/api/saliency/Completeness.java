package dev.gradcam.api.saliency;

/**
 * How well one image's attributions add up to what they explain: for Integrated Gradients the score difference
 * {@code f(x) - f(baseline)}, for LRP the relevance at the output.
 *
 * @param attributionSum the sum of the image's attributions over all input elements
 * @param expected       what that sum should equal
 */
public record Completeness(double attributionSum, double expected) {

    /** {@code |attributionSum - expected|}. */
    public double absoluteError() {
        return Math.abs(attributionSum - expected);
    }

    /**
     * {@code |attributionSum - expected| / |expected|}; the absolute error when {@code expected} is zero (there is then
     * no scale to relate it to).
     */
    public double relativeError() {
        double scale = Math.abs(expected);
        return scale == 0 ? absoluteError() : absoluteError() / scale;
    }
}
