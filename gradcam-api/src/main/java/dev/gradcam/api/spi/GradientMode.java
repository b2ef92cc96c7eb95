package dev.gradcam.api.spi;

import java.util.Objects;

/**
 * How gradients flow backwards through the model. {@link #STANDARD} is exact backpropagation; backends may offer
 * more (guided backpropagation, deconvnet, LRP rules) and list them in {@link DifferentiableModel#gradientModes()}.
 *
 * @param name a stable kebab-case name, e.g. {@code guided}
 */
public record GradientMode(String name) {

    /** Exact reverse-mode gradients. */
    public static final GradientMode STANDARD = new GradientMode("standard");
    /**
     * Guided backpropagation (Springenberg et al. 2015): ReLU-family units pass back only positive gradients, and only
     * where their input was positive.
     */
    public static final GradientMode GUIDED = new GradientMode("guided");
    /** Deconvnet (Zeiler and Fergus 2014): ReLU-family units pass back the ReLU of the incoming gradient. */
    public static final GradientMode DECONVNET = new GradientMode("deconvnet");

    public GradientMode {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("gradient mode name must not be blank");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
