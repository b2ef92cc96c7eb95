/**
 * The gradient compiler: turns an ONNX graph into one that also computes gradients of a seeded output with respect
 * to chosen values and the input ({@link dev.gradcam.onnx.grad.GradientCompiler}), one
 * {@link dev.gradcam.onnx.grad.BackwardRule} per operator, gradient modes as rule overrides
 * ({@link dev.gradcam.onnx.grad.GradientModes}: guided, deconvnet and the LRP rules), bias-layer gradients for
 * FullGrad as extra outputs, and head extraction for ablation methods
 * ({@link dev.gradcam.onnx.grad.HeadCompiler}). Pure Java over the model's protobuf; no runtime needed.
 */
package dev.gradcam.onnx.grad;
