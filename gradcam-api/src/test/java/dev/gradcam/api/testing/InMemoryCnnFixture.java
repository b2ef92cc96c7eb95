package dev.gradcam.api.testing;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.tensor.FloatTensor;

/**
 * The in-memory CNN that the contract tests check, defined once so that the core contract and the extension
 * contracts run against the same model and inputs. Subclasses implement the contract interfaces; these methods
 * satisfy their {@code createModel} and {@code sampleInput}.
 */
abstract class InMemoryCnnFixture {

    private final InMemoryCnn prototype = InMemoryCnn.random(42, 3, 6, 5, 6, 7);

    public DifferentiableModel createModel() {
        return InMemoryCnn.random(42, 3, 6, 5, 6, 7);
    }

    public FloatTensor sampleInput(int n) {
        return prototype.randomInput(7, n);
    }

    /** The convolution's output, a 4-D layer to tap. */
    public String tapLayer() {
        return "conv";
    }
}
