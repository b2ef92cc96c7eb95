package dev.gradcam.api.visualize;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;

/**
 * The representation loss of an inversion, {@code ||phi(x) - phi(x0)||^2 / ||phi(x0)||^2}, for one image's layer
 * values: relative, so that 0.1 means 90 % of the representation is reconstructed whatever the layer's scale.
 *
 * @param reference {@code phi(x0)}, one image's layer values
 */
record RepresentationDistance(FloatTensor reference) implements Target {

    @Override
    public double score(FloatTensor output) {
        check(output);
        double d = 0;
        for (int i = 0; i < output.size(); i++) {
            double e = output.getFlat(i) - (double) reference.getFlat(i);
            d += e * e;
        }
        return d / scale();
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        check(output);
        double s = scale();
        float[] g = new float[output.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (2 * (output.getFlat(i) - (double) reference.getFlat(i)) / s);
        }
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    @Override
    public String describe() {
        return "||phi(x) - phi(x0)||^2 / ||phi(x0)||^2";
    }

    private double scale() {
        double n = reference.norm();
        // An all-zero representation (a dead layer) has no scale; fall back to the absolute loss.
        return n == 0 ? 1 : n * n;
    }

    private void check(FloatTensor output) {
        if (!output.shape().equals(reference.shape())) {
            throw new InvalidInputException("layer values of shape " + output.shape() + " cannot be compared with a "
                    + "representation of shape " + reference.shape() + "; invert at the image size of the original");
        }
    }
}
