package dev.gradcam.onnx.targets;

import java.io.IOException;
import java.nio.file.Path;

/** The reference checks of the torchvision detectors, for the full-size models of the heavy suite. */
public final class DetectionReferences {

    private DetectionReferences() {
    }

    /** {@link SsdLiteReferenceTest}'s checks on {@code root/ssdlite.onnx} and {@code root/ssdlite/}. */
    public static void ssdLite(Path root) throws IOException {
        SsdLiteReferenceTest.check(root);
    }

    /** {@link FasterRcnnReferenceTest}'s checks on {@code root/fasterrcnn.onnx} and {@code root/fasterrcnn/}. */
    public static void fasterRcnn(Path root) throws IOException {
        FasterRcnnReferenceTest.check(root);
    }
}
