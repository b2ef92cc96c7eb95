/**
 * ONNX models on the ND4J backend: {@link dev.gradcam.nd4j.onnx.OnnxSameDiff} reads {@code .onnx} files with
 * gradcam-onnx-model's reader (not ONNX Runtime, not ND4J's own importer) and translates them op by op into SameDiff,
 * so that the same files run on both backends and their gradients check each other.
 */
package dev.gradcam.nd4j.onnx;
