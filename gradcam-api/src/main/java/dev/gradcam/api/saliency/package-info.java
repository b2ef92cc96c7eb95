/**
 * Pixel-space attribution: which input elements drive a target, from gradients at the input. Start at
 * {@link dev.gradcam.api.saliency.Saliency}, or look methods up by kebab-case name with
 * {@link dev.gradcam.api.saliency.SaliencyMethods}.
 *
 * <p>Methods ({@link dev.gradcam.api.saliency.AttributionMethod}): vanilla, guided and deconvnet backpropagation
 * ({@link dev.gradcam.api.saliency.GradientSaliency}), Gradient x Input, SmoothGrad / SmoothGrad-SQ / VarGrad,
 * Integrated Gradients (with {@link dev.gradcam.api.saliency.Baselines} and
 * {@link dev.gradcam.api.saliency.Quadrature} rules, reporting {@link dev.gradcam.api.saliency.Completeness}),
 * Guided Grad-CAM, layer-wise relevance propagation ({@link dev.gradcam.api.saliency.Lrp}) and the gradient of one
 * feature map ({@link dev.gradcam.api.saliency.FeatureMapGradient}). All are batched and return an
 * {@link dev.gradcam.api.saliency.Attribution}; {@link dev.gradcam.api.saliency.SaliencyMaps} turns attributions
 * into the colour, grayscale, positive and negative pictures of pytorch-cnn-visualizations.
 */
package dev.gradcam.api.saliency;
