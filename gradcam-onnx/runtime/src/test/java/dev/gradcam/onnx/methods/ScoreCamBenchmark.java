package dev.gradcam.onnx.methods;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Models;
import dev.gradcam.api.method.CamMethod;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.testsupport.ProcessClock;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Score-CAM seconds per image, wall and process CPU, for the default (paper) variant and the pytorch-grad-cam preset,
 * to set beside {@code bench/scorecam_torch.py}, which times pytorch-grad-cam's own loop on torch with the same
 * architecture, weights seed, layer, batch of 16 and thread count (docs/performance.md). A main, not a test.
 *
 * <p>Usage: {@code ScoreCamBenchmark MODEL LAYER IMAGES THREADS [BATCHES]} (BATCHES a comma-separated list of
 * masked images per forward pass, default 16); ONNX Runtime runs with THREADS intra-op threads. Each image is a seeded Gaussian 224x224 input; one warm-up image first (variant compilation excluded).
 */
public final class ScoreCamBenchmark {

    private ScoreCamBenchmark() {
    }

    public static void main(String[] args) {
        Path path = Path.of(args[0]);
        String layer = args[1];
        int count = Integer.parseInt(args[2]);
        String threads = args[3];
        String[] batches = (args.length > 4 ? args[4] : "16").split(",");
        try (DifferentiableModel model = Models.load(path, "onnx", Map.of("intraOpThreads", threads))) {
            Random random = new Random(1);
            FloatTensor warm = image(random);
            FloatTensor[] images = new FloatTensor[count];
            for (int i = 0; i < count; i++) {
                images[i] = image(random);
            }
            for (String b : batches) {
                int batch = Integer.parseInt(b.trim());
                time(model, "default, batch " + batch, CamMethods.scoreCam().withMaxBatch(batch), layer, warm,
                        images, threads);
                time(model, "compat, batch " + batch, CamMethods.scoreCam().withMaxBatch(batch).pytorchGradCam(),
                        layer, warm, images, threads);
            }
        }
    }

    private static void time(DifferentiableModel model, String label, CamMethod method, String layer,
                             FloatTensor warm, FloatTensor[] images, String threads) {
        Explainer explainer = Explainer.of(model, method).layer(layer).build();
        explainer.explain(warm);
        long wall = System.nanoTime();
        long cpu = ProcessClock.cpuNanos();
        for (FloatTensor image : images) {
            explainer.explain(image);
        }
        double w = (System.nanoTime() - wall) / 1e9 / images.length;
        double c = (ProcessClock.cpuNanos() - cpu) / 1e9 / images.length;
        // One masked pass per channel of the layer (K), fewer when constant maps are skipped or shared.
        long k = model.resolveLayer(layer).shape().dim(1);
        System.out.printf(Locale.ROOT, "score-cam %-24s %s at %s, %s threads: %.2f s wall, %.2f s CPU per image "
                + "(K = %d: %.1f masked passes/s wall, %.1f per CPU second), load %.1f%n", label, model.backendName(),
                layer, threads, w, c, k, k / w, k / c, ProcessClock.loadAverage());
    }

    private static FloatTensor image(Random random) {
        float[] d = new float[3 * 224 * 224];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) random.nextGaussian();
        }
        return FloatTensor.wrapOwned(Shape.of(1, 3, 224, 224), d);
    }
}
