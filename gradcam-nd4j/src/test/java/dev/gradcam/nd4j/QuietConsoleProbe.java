package dev.gradcam.nd4j;

import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.nd4j.demo.ShapesCnn;
import dev.gradcam.nd4j.demo.ShapesDataset;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Run in a fresh JVM by {@link QuietConsoleTest}: starts ND4J, trains one step, and runs standard, guided and head
 * passes, everything that made ND4J print, and prints nothing itself.
 */
public final class QuietConsoleProbe {

    private QuietConsoleProbe() {
    }

    public static void main(String[] args) {
        ShapesDataset data = ShapesDataset.generate(8, 16, 1);
        SameDiff sd = ShapesCnn.train(ShapesCnn.build(16, 3, 1), data, new ShapesCnn.Options(1, 8, 0.01, 1));
        try (SameDiffModel m = SameDiffModel.builder(sd).input(ShapesCnn.INPUT).outputs(ShapesCnn.LOGITS).build()) {
            FloatTensor x = data.images();
            m.run(PassRequest.builder(x).tap(ShapesCnn.FEATURES).seed(new Seed.TopClass()).inputGradient(true).build());
            FloatTensor a = m.run(PassRequest.builder(x).tap(ShapesCnn.FEATURES).seed(new Seed.TopClass())
                    .mode(GradientMode.GUIDED).build()).activation(ShapesCnn.FEATURES);
            m.runHead(ShapesCnn.FEATURES, a, null);
        }
    }
}
