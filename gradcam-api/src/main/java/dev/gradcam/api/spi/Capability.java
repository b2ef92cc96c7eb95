package dev.gradcam.api.spi;

import dev.gradcam.api.DifferentiableModel;

/** Something a backend may or may not be able to do; declared by {@link DifferentiableModel#capabilities()}. */
public enum Capability {
    /** Activations and gradients at intermediate layers. */
    LAYER_GRADIENTS("gradients at intermediate layers"),
    /** The gradient of the target with respect to the model input. */
    INPUT_GRADIENT("gradients with respect to the input"),
    /** Running only the part of the model after a layer, on replaced activations (ablation methods). */
    HEAD_EXECUTION("head execution (running the model from a layer onward on replaced activations)"),
    /** Gradients with respect to the biases of the layers (FullGrad). */
    BIAS_GRADIENTS("gradients with respect to layer biases"),
    /**
     * Passes whose explained output is an intermediate layer ({@link PassRequest#output()} naming a layer tensor):
     * feature-map gradients, activation maximisation, DeepDream, inverted representations.
     */
    LAYER_OUTPUT("passes explaining an intermediate layer (a layer tensor as the output)"),
    /**
     * Second-order gradients: the Hessian of the target with respect to a tap times the tap's activation
     * ({@link PassRequest#hessianProducts()}), as ShapleyCAM needs.
     */
    HESSIAN_PRODUCTS("second-order gradients (Hessian-vector products at layers)");

    private final String description;

    Capability(String description) {
        this.description = description;
    }

    /** A phrase for error messages. */
    public String description() {
        return description;
    }
}
