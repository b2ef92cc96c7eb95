/**
 * Reading and writing ONNX files: {@link dev.gradcam.onnx.model.OnnxModelReader} (with external data),
 * {@link dev.gradcam.onnx.model.OnnxModelWriter}, tensor encoding ({@link dev.gradcam.onnx.model.Tensors}) and the
 * opset range gradcam supports ({@link dev.gradcam.onnx.model.OnnxFormat}). No ONNX Runtime here.
 */
package dev.gradcam.onnx.model;
