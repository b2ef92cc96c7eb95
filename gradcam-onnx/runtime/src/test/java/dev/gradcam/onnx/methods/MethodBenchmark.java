package dev.gradcam.onnx.methods;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.Models;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmarks for issue 4, written against the public API so they run on any model and backend (a main, not a timed
 * test):
 * <ol>
 *   <li>Ablation-CAM with head execution (backbone once, then the head on batches of ablated activations) versus
 *   re-running the whole model per ablation batch, as an implementation without head execution must. The baseline
 *   runs the full model on B copies of the image and then the same head, so both produce the same weights (checked);
 *   it is timed on the first {@code baselineChannels} ablations and its per-ablation cost extrapolated to all K.</li>
 *   <li>Score-CAM throughput, masked forward passes per second, at memory bounds (batch) 1, 16 and 64.</li>
 *   <li>ShapleyCAM (second order) against Grad-CAM on the same layer: time per explanation with the top-class logit
 *   (one pass each) and with ReST (a forward pass for the seed, then ShapleyCAM's curvature pass), as ratios.</li>
 * </ol>
 * Usage: {@code MethodBenchmark MODEL.onnx LAYER [scoreLayer] [baselineChannels] [size]}, e.g. a ResNet-50 exported
 * by {@code make_benchmark_model.py} with {@code layer4}. Options via system properties are the backend's
 * ({@code -Dgradcam.backend=onnx}).
 */
public final class MethodBenchmark {

    private MethodBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: MethodBenchmark MODEL LAYER [SCORE_LAYER] [BASELINE_CHANNELS] [SIZE]");
            System.exit(2);
        }
        Path path = Path.of(args[0]);
        String layer = args[1];
        String scoreLayer = args.length > 2 ? args[2] : layer;
        int baselineChannels = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        try (DifferentiableModel model = Models.load(path)) {
            Shape in = model.inputs().get(0).shape();
            int size = args.length > 4 ? Integer.parseInt(args[4])
                    : in.dim(2) > 0 ? (int) in.dim(2) : 224;
            FloatTensor image = image(in.dim(1) > 0 ? (int) in.dim(1) : 3, size);
            System.out.printf(Locale.ROOT, "model %s (%s on %s), input %s, %d cores%n", path.getFileName(),
                    model.backendName(), model.executionProvider(), image.shape(),
                    Runtime.getRuntime().availableProcessors());
            ablation(model, image, layer, baselineChannels);
            scoreCam(model, image, scoreLayer);
            shapley(model, image, layer);
        }
    }

    static void shapley(DifferentiableModel model, FloatTensor image, String layerName) {
        int top = model.forward(image).slice(0).argMax();
        for (Target target : List.of(Targets.classLogit(top), Targets.rest(top))) {
            double gradCam = seconds(Explainer.gradCam(model).layer(layerName).build(), image, target);
            double shapley = seconds(Explainer.of(model, CamMethods.shapleyCam()).layer(layerName).build(), image,
                    target);
            System.out.printf(Locale.ROOT, "shapley-cam at %s, target %s: %.1f ms vs grad-cam %.1f ms = %.2fx%n",
                    layerName, target.describe(), shapley * 1e3, gradCam * 1e3, shapley / gradCam);
        }
    }

    /** Median seconds of 7 explanations after 2 warm-ups (which compile and cache the variants). */
    private static double seconds(Explainer ex, FloatTensor image, Target target) {
        ex.explain(image, target);
        ex.explain(image, target);
        double[] t = new double[7];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            ex.explain(image, target);
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    private static void ablation(DifferentiableModel model, FloatTensor image, String layerName, int baselineChannels) {
        LayerInfo layer = model.resolveLayer(layerName);
        int batch = 64;
        Explainer ex = Explainer.of(model, CamMethods.ablationCam().withMaxBatch(batch)).layer(layerName).build();
        ex.explain(image); // warm-up: compiles and caches the head and the tapped graph
        long t0 = System.nanoTime();
        Explanation e = ex.explain(image);
        double headOnly = (System.nanoTime() - t0) / 1e9;
        int k = e.weights(0).size();

        FloatTensor out = model.forward(image);
        Target target = Targets.classLogit(out.slice(0).argMax());
        double y = target.score(out.slice(0));
        int channels = Math.min(k, baselineChannels);
        float[] weights = new float[channels];
        long t1 = System.nanoTime();
        for (int start = 0; start < channels; start += batch) {
            int b = Math.min(batch, channels - start);
            FloatTensor copies = FloatTensor.concat(Collections.nCopies(b, image));
            // The whole model again for every ablation batch: the backbone is recomputed b times.
            FloatTensor acts = model.run(PassRequest.builder(copies).tap(layer.name()).build()).activation(layer.name());
            float[] a = acts.toArray();
            int per = a.length / b;
            int plane = per / k;
            for (int j = 0; j < b; j++) {
                Arrays.fill(a, j * per + (start + j) * plane, j * per + (start + j + 1) * plane, 0f);
            }
            FloatTensor head = model.runHead(layer.name(), FloatTensor.wrapOwned(acts.shape(), a), null);
            for (int j = 0; j < b; j++) {
                weights[start + j] = (float) ((y - target.score(head.slice(j))) / y);
            }
        }
        double baseline = (System.nanoTime() - t1) / 1e9;
        double maxDiff = 0;
        for (int c = 0; c < channels; c++) {
            maxDiff = Math.max(maxDiff, Math.abs(weights[c] - e.weights(0).getFlat(c)));
        }
        double baselineAll = baseline / channels * k;
        System.out.printf(Locale.ROOT, "ablation-cam at %s (K=%d, batch %d): head-only %.3f s for all %d ablations "
                        + "(%.2f ms each); whole model per batch %.3f s for %d ablations (%.2f ms each), %.1f s "
                        + "extrapolated to %d; speed-up %.0fx; max weight difference %.2e%n",
                layer.name(), k, batch, headOnly, k, headOnly / k * 1e3, baseline, channels,
                baseline / channels * 1e3, baselineAll, k, baselineAll / headOnly, maxDiff);
    }

    private static void scoreCam(DifferentiableModel model, FloatTensor image, String layerName) {
        for (int batch : new int[] {1, 16, 64}) {
            Explainer ex = Explainer.of(model, CamMethods.scoreCam().withMaxBatch(batch)).layer(layerName).build();
            long[] passes = new long[1];
            ex.toBuilder().progress((task, done, total) -> passes[0] = done).build().explain(image); // warm-up
            long t0 = System.nanoTime();
            ex.toBuilder().progress((task, done, total) -> passes[0] = done).build().explain(image);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "score-cam at %s, batch %d: %d masked passes in %.2f s = %.1f passes/s%n",
                    layerName, batch, passes[0], s, passes[0] / s);
        }
    }

    private static FloatTensor image(int channels, int size) {
        Random r = new Random(1);
        float[] d = new float[channels * size * size];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return FloatTensor.wrapOwned(Shape.of(1, channels, size, size), d);
    }

}
