package dev.gradcam.api.saliency;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.time.Duration;
import java.util.List;

/**
 * Gradient x Input (Shrikumar et al. 2016): another method's attributions multiplied element-wise by the input,
 * usually those of vanilla backpropagation ({@link Saliency#gradientTimesInput}). For ReLU networks without biases
 * the attributions sum to the score, since such networks are positively homogeneous.
 *
 * <p>Immutable and thread-safe when the wrapped method is.
 */
public final class GradientTimesInput implements AttributionMethod {

    private final AttributionMethod gradients;

    private GradientTimesInput(AttributionMethod gradients) {
        this.gradients = gradients;
    }

    /** Multiplies the attributions of {@code gradients} (a gradient method, say) by the input. */
    public static GradientTimesInput of(AttributionMethod gradients) {
        return new GradientTimesInput(InvalidArgumentException.requireNonNull(gradients, "gradients"));
    }

    @Override
    public String name() {
        return gradients.name().equals("vanilla-backprop") ? "gradient-x-input" : gradients.name() + "-x-input";
    }

    @Override
    public DifferentiableModel model() {
        return gradients.model();
    }

    @Override
    public Attribution attribute(FloatTensor images, List<Target> targets) {
        long t0 = System.nanoTime();
        Attribution g = gradients.attribute(images, targets);
        FloatTensor a = g.attributions();
        if (!a.shape().equals(images.shape())) {
            throw new InvalidInputException(gradients.name() + " gave attributions of shape " + a.shape()
                    + " for inputs of shape " + images.shape() + "; they must match to multiply");
        }
        float[] out = a.toArray();
        for (int i = 0; i < out.length; i++) {
            out[i] *= images.getFlat(i);
        }
        return g.derive(name(), FloatTensor.wrapOwned(a.shape(), out), List.of())
                .withElapsed(Duration.ofNanos(System.nanoTime() - t0));
    }
}
