/**
 * The ONNX backend on ONNX Runtime: {@link dev.gradcam.onnx.runtime.OnnxBackendProvider} (service-loaded as
 * {@code onnx}) and {@link dev.gradcam.onnx.runtime.OnnxModel}, with options, execution-provider choice and the
 * cache of compiled variants. No ONNX Runtime type appears in a public signature.
 */
package dev.gradcam.onnx.runtime;
