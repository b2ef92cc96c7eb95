/**
 * Protocol buffer classes for the ONNX IR, generated at build time from {@code src/main/proto/.../onnx.proto}: the
 * messages gradcam needs ({@code ModelProto}, {@code GraphProto}, {@code NodeProto}, {@code TensorProto}, ...), with
 * the public ONNX field numbers. Fields outside the subset survive a read/write round trip as unknown fields.
 */
package dev.gradcam.onnx.proto;
