package dev.gradcam.api.image;

/**
 * The order of the colour channels in an input tensor: {@link #RGB} for PyTorch / torchvision and most ONNX
 * exports, {@link #BGR} for models trained on OpenCV-decoded images (Caffe, many detection models).
 */
public enum ChannelOrder {
    /** Red, green, blue. */
    RGB,
    /** Blue, green, red (OpenCV's native order). */
    BGR;

    /** The RGB index (0 red, 1 green, 2 blue) stored at tensor channel {@code channel} for 3-channel images. */
    int rgbIndexOf(int channel) {
        return this == RGB ? channel : 2 - channel;
    }
}
