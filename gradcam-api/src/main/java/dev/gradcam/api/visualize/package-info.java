/**
 * Optimisation-based visualisations: images optimised along the model's input gradient. CNN layer and filter
 * visualisation by {@link dev.gradcam.api.visualize.ActivationMaximization},
 * {@link dev.gradcam.api.visualize.DeepDream},
 * {@link dev.gradcam.api.visualize.ClassImageGeneration} (plain and regularised) and
 * {@link dev.gradcam.api.visualize.RepresentationInversion}.
 *
 * <p>Each is configured with an {@link dev.gradcam.api.visualize.Optimization} (steps, an
 * {@link dev.gradcam.api.visualize.Optimizer} from {@link dev.gradcam.api.visualize.Optimizers}, a
 * {@link dev.gradcam.api.visualize.Regularization}, a seed and an
 * {@link dev.gradcam.api.visualize.OptimizationListener}) and returns a
 * {@link dev.gradcam.api.visualize.Visualization}: the images and the objective at every step. Runs are batched (one
 * image per filter, class or input) and reproducible: the seed fixes the start noise and the jitter. Methods that
 * optimise a layer's values need a backend with {@link dev.gradcam.api.spi.Capability#LAYER_OUTPUT}.
 */
package dev.gradcam.api.visualize;
