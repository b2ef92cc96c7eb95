package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.OptionalInt;

/** The score of one class at one candidate box of a detection output ({@link DetectionLayout#score}). */
record DetectionScore(DetectionLayout layout, int box, int classIndex) implements Target {

    DetectionScore {
        InvalidArgumentException.requireNonNull(layout, "layout");
        if (box < 0 || classIndex < 0) {
            throw new InvalidArgumentException("box and class must be >= 0, got box " + box + ", class "
                    + classIndex);
        }
    }

    @Override
    public double score(FloatTensor output) {
        layout.checkBox(output.shape(), box);
        return layout.score(output, box, classIndex);
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        layout.checkBox(output.shape(), box);
        layout.checkClass(output.shape(), classIndex);
        float[] g = new float[output.size()];
        layout.addScoreGradient(output, box, classIndex, 1, g);
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    @Override
    public boolean dependsOnOutput() {
        return layout != DetectionLayout.YOLO_V8;
    }

    @Override
    public OptionalInt classIndex(FloatTensor output) {
        return OptionalInt.of(classIndex);
    }

    @Override
    public String describe() {
        return layout.cliName() + "[box " + box + ", class " + classIndex + "]";
    }
}
