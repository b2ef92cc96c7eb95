package dev.gradcam.api.image;

/**
 * Where the channel axis sits in an image batch tensor: {@link #NCHW} (PyTorch, most ONNX models) or
 * {@link #NHWC} (TensorFlow / Keras exports).
 */
public enum TensorLayout {
    /** Batch, channels, height, width. */
    NCHW,
    /** Batch, height, width, channels. */
    NHWC
}
