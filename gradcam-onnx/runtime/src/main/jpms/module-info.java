/**
 * The ONNX backend: gradient and head compilers (internal, {@code dev.gradcam.onnx.grad}) and their execution on ONNX
 * Runtime (CUDA or CPU). Users load models through {@code dev.gradcam.api.Models} or {@link
 * dev.gradcam.onnx.runtime.OnnxModel}; the service below registers the backend as {@code onnx}.
 */
module dev.gradcam.onnx {
    requires transitive dev.gradcam.api;
    requires transitive dev.gradcam.onnx.model;
    requires com.microsoft.onnxruntime; // onnxruntime or onnxruntime_gpu: the same module name and classes
    requires org.slf4j;

    exports dev.gradcam.onnx.runtime;

    provides dev.gradcam.api.spi.BackendProvider with dev.gradcam.onnx.runtime.OnnxBackendProvider;
}
