/**
 * A small graph IR over an ONNX model: {@link dev.gradcam.onnx.graph.Graph} (nodes in topological order,
 * initializers, producers and consumers), {@link dev.gradcam.onnx.graph.ShapeInference} (element types, shapes and
 * folded shape constants at a concrete or partly dynamic input shape) and the candidate-layer listing
 * {@link dev.gradcam.onnx.graph.Layers}.
 */
package dev.gradcam.onnx.graph;
