package dev.gradcam.examples;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.Models;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.numeric.Percentiles;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.cli.demo.DemoImages;
import dev.gradcam.cli.demo.DemoModel;
import dev.gradcam.cli.demo.DemoModels;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Example 5: explanations in a server. One model and one {@link Explainer} are loaded once and shared by every
 * worker thread (both are thread-safe; the ONNX backend compiles the gradient graph once and reuses it); each
 * request explains a small batch. Reports throughput and latency percentiles.
 *
 * <p>Arguments: {@code [threads] [requests] [batch]}, default 4, 64, 4.
 */
public final class Example05_ServerLoop {

    private Example05_ServerLoop() {
    }

    /**
     * What the loop measured.
     *
     * @param threads        worker threads
     * @param requests       requests served
     * @param images         images explained
     * @param seconds        wall-clock time for all requests, after one warm-up request
     * @param p50Millis      median request latency
     * @param p95Millis      95th-percentile request latency
     * @param correct        images whose predicted orientation was right
     * @param allFinite      whether every heatmap was finite
     * @param executionProvider where the passes ran
     */
    public record Result(int threads, int requests, int images, double seconds, double p50Millis, double p95Millis,
                         int correct, boolean allFinite, String executionProvider) {

        /** Images explained per second. */
        public double imagesPerSecond() {
            return images / seconds;
        }
    }

    /** Runs the example; optional arguments: threads, requests, images per request (default 4, 64, 4). */
    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        Result r = run(threads, requests, batch);
        System.out.printf("%d requests of %d images on %d threads (%s): %.1f images/s, latency p50 %.1f ms, "
                        + "p95 %.1f ms; %d of %d orientations right%n", r.requests(), batch, r.threads(),
                r.executionProvider(), r.imagesPerSecond(), r.p50Millis(), r.p95Millis(), r.correct(), r.images());
    }

    /**
     * Serves {@code requests} requests of {@code batch} images each from {@code threads} threads.
     *
     * @throws IllegalArgumentException if a count is not positive
     */
    public static Result run(int threads, int requests, int batch) throws InterruptedException {
        if (threads < 1 || requests < 1 || batch < 1) {
            throw new IllegalArgumentException("threads, requests and batch must be positive, got " + threads + ", "
                    + requests + ", " + batch);
        }
        DemoModel classifier = DemoModels.classifier();
        // Requests alternate upright (class 0) and upside-down (class 1) lines.
        List<BufferedImage> images = new ArrayList<>();
        int[] truth = new int[batch];
        for (int i = 0; i < batch; i++) {
            images.add(i % 2 == 0 ? DemoImages.upright() : DemoImages.upsideDown());
            truth[i] = i % 2;
        }
        FloatTensor request = Images.toTensor(images, classifier.preprocessing());

        try (DifferentiableModel model = Models.load(classifier.file())) {
            Explainer explainer = Explainer.gradCam(model).layer(DemoModels.CLASSIFIER_LAYER).build();
            explainer.explain(request); // warm-up: compile and cache before timing

            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Served>> futures = new ArrayList<>();
                long start = System.nanoTime();
                for (int r = 0; r < requests; r++) {
                    futures.add(pool.submit(() -> serve(explainer, request, truth)));
                }
                double[] latencies = new double[requests];
                int correct = 0;
                boolean finite = true;
                for (int r = 0; r < requests; r++) {
                    Served s = get(futures.get(r));
                    latencies[r] = s.millis();
                    correct += s.correct();
                    finite &= s.finite();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Arrays.sort(latencies);
                return new Result(threads, requests, requests * batch, seconds, Percentiles.ofSorted(latencies, 50),
                        Percentiles.ofSorted(latencies, 95), correct, finite, model.executionProvider());
            } finally {
                pool.shutdown();
            }
        }
    }

    /** One request's outcome. */
    private record Served(double millis, int correct, boolean finite) {
    }

    /** What a request handler does: explain, check, answer. */
    private static Served serve(Explainer explainer, FloatTensor request, int[] truth) {
        long t0 = System.nanoTime();
        Explanation e = explainer.explain(request);
        int correct = 0;
        for (int i = 0; i < e.size(); i++) {
            correct += e.targetClass(i) == truth[i] ? 1 : 0;
        }
        return new Served((System.nanoTime() - t0) / 1e6, correct, e.heatmaps().allFinite());
    }

    private static Served get(Future<Served> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GradCamException g) {
                throw g;
            }
            throw new IllegalStateException("a request failed", e.getCause());
        }
    }
}
