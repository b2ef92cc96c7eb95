/**
 * The class-activation methods: the {@link dev.gradcam.api.method.CamMethod} abstraction the
 * {@link dev.gradcam.api.Explainer} runs, the built-ins ({@link dev.gradcam.api.method.CamMethods}, also by name:
 * Grad-CAM, Grad-CAM++, XGrad-CAM, HiResCAM, Grad-CAM element-wise, LayerCAM, Eigen-CAM, Eigen-Grad-CAM, Score-CAM,
 * Ablation-CAM, FullGrad, Deep Feature Factorization, Random-CAM, FEM, KPCA-CAM, Seg-Eigen-CAM, Finer-CAM,
 * Refine-CAM), pytorch-grad-cam compatibility ({@link dev.gradcam.api.method.Compatibility}), multi-layer fusion
 * ({@link dev.gradcam.api.method.LayerFusion}) and aug-smoothing ({@link dev.gradcam.api.method.AugSmoothing}).
 * Methods are backend-independent: they use only the {@link dev.gradcam.api.DifferentiableModel} SPI and declare
 * the capabilities they need.
 */
package dev.gradcam.api.method;
