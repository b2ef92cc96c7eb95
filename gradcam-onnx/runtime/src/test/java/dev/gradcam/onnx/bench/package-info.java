/**
 * Runnable benchmarks of the ONNX backend (mains, not tests): {@link dev.gradcam.onnx.bench.GradCamBenchmark} (pass
 * times against plain inference) and {@link dev.gradcam.onnx.bench.PassProfile} (where a pass spends its time, per
 * operator type, from ONNX Runtime's profiler).
 */
package dev.gradcam.onnx.bench;
