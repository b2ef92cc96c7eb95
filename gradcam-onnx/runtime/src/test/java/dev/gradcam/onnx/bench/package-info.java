/** Runnable benchmarks of the ONNX backend (mains, not tests): see {@link dev.gradcam.onnx.bench.GradCamBenchmark}. */
package dev.gradcam.onnx.bench;
