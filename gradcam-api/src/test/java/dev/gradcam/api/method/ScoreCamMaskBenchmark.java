package dev.gradcam.api.method;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.spi.AbstractDifferentiableModel;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * What Score-CAM's own work costs, without a model: masked images built per second on the Java side (upsampling,
 * min-max normalisation, masking, batching), against a backend that answers every pass at once. On a GPU, where a
 * pass of ResNet-18 takes a fraction of a millisecond per image, this is the other bound on masked passes per
 * second. A runnable main, not a test (docs/performance.md).
 *
 * <pre>
 * java -cp gradcam-api/target/test-classes:gradcam-api/target/classes \
 *     dev.gradcam.api.method.ScoreCamMaskBenchmark [channels 512] [map side 7] [image side 224] [rounds 8]
 * </pre>
 */
public final class ScoreCamMaskBenchmark {

    private ScoreCamMaskBenchmark() {
    }

    public static void main(String[] args) {
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int map = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int side = args.length > 2 ? Integer.parseInt(args[2]) : 224;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        float[] d = new float[3 * side * side];
        Random r = new Random(2);
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        FloatTensor x = FloatTensor.wrapOwned(Shape.of(1, 3, side, side), d);
        try (InstantModel model = new InstantModel(k, map, side)) {
            Explainer e = Explainer.of(model, CamMethods.scoreCam()).layer("feature").build();
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                e.explain(x);
                double s = (System.nanoTime() - start) / 1e9;
                System.out.printf("round %d: %.3f s per image, %.0f masked images per second (K = %d, %dx%d maps, "
                        + "%dx%d images)%n", i, s, k / s, k, map, map, side, side);
            }
        }
    }

    /** A model whose passes cost nothing: random non-negative maps at the tap, zero logits. */
    private static final class InstantModel extends AbstractDifferentiableModel {
        private final int k;
        private final int map;
        private final int side;
        private boolean closed;

        InstantModel(int k, int map, int side) {
            this.k = k;
            this.map = map;
            this.side = side;
        }

        @Override
        public String backendName() {
            return "instant";
        }

        @Override
        public String executionProvider() {
            return "none";
        }

        @Override
        public List<ValueInfo> inputs() {
            return List.of(new ValueInfo("input", Shape.of(Shape.DYNAMIC, 3, side, side), "float32"));
        }

        @Override
        public List<ValueInfo> outputs() {
            return List.of(new ValueInfo("logits", Shape.of(Shape.DYNAMIC, 10), "float32"));
        }

        @Override
        public List<LayerInfo> layers() {
            return List.of(new LayerInfo("feature", "relu", "Relu", Shape.of(Shape.DYNAMIC, k, map, map)),
                    new LayerInfo("logits", "fc", "Gemm", Shape.of(Shape.DYNAMIC, 10)));
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public Set<GradientMode> gradientModes() {
            return Set.of(GradientMode.STANDARD);
        }

        @Override
        protected PassResult execute(Pass pass) {
            int n = pass.input().shape().intDim(0);
            Map<String, FloatTensor> taps = new LinkedHashMap<>();
            Random r = new Random(1);
            for (String t : pass.taps()) {
                float[] a = new float[n * k * map * map];
                for (int i = 0; i < a.length; i++) {
                    a[i] = Math.max(0, (float) r.nextGaussian());
                }
                taps.put(t, FloatTensor.wrapOwned(Shape.of(n, k, map, map), a));
            }
            return new PassResult(FloatTensor.wrapOwned(Shape.of(n, 10), new float[n * 10]), taps, Map.of(), null,
                    null);
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
