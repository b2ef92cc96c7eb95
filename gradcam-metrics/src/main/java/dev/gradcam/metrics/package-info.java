/**
 * Evaluation of explanations, backend-agnostic and batched: perturbation metrics ({@link dev.gradcam.metrics.Road},
 * {@link dev.gradcam.metrics.ConfidenceChange}, {@link dev.gradcam.metrics.DeletionInsertion},
 * {@link dev.gradcam.metrics.Arcc}), localisation ({@link dev.gradcam.metrics.Localisation}), complexity
 * ({@link dev.gradcam.metrics.MapComplexity}) and robustness ({@link dev.gradcam.metrics.Robustness}). Every metric
 * runs the model through a {@link dev.gradcam.metrics.Scoring}: one backend call per batch of perturbed inputs.
 * Images are channels-first [N, C, H, W]; maps are [N, H, W] at input resolution.
 */
package dev.gradcam.metrics;
