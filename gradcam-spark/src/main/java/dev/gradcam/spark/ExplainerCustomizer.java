package dev.gradcam.spark;

import dev.gradcam.api.Explainer;
import java.io.Serializable;

/**
 * Sets what {@link SparkExplainer.Builder} has no shortcut for (a feature-map selector, a normalisation, aug-smoothing,
 * ...) on each executor's {@link Explainer.Builder}. Serializable, so a lambda can be shipped:
 * {@code .configure(b -> b.selector(FeatureMapSelectors.positive()))}.
 */
@FunctionalInterface
public interface ExplainerCustomizer extends Serializable {

    /** Adjusts the builder (method and layers are already set) and returns it. */
    Explainer.Builder customize(Explainer.Builder builder);
}
