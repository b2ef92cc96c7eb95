package dev.gradcam.cli;

import dev.gradcam.api.Provenance;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.saliency.Attribution;
import dev.gradcam.api.saliency.Completeness;
import dev.gradcam.api.saliency.SaliencyMaps;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes what {@code gradcam explain} produces for a pixel-space method into one folder, batch by batch:
 * <ul>
 *   <li>per image the four pictures of pytorch-cnn-visualizations ({@link SaliencyMaps}): {@code NAME.color.png}
 *       (min-max over all channels), {@code NAME.grayscale.png} (absolute values summed over channels, clipped at
 *       the 99th percentile), {@code NAME.positive.png} and {@code NAME.negative.png};</li>
 *   <li>{@code attribution.npy}: the raw signed attributions [N, C, H, W], float32;</li>
 *   <li>{@code heatmap.npy}: the grayscale maps in [0, 1], [N, H, W], float32 (when images differ in size:
 *       {@code NAME.attribution.npy} and {@code NAME.heatmap.npy} per image instead);</li>
 *   <li>{@code summary.json}: method, settings, targets, scores, completeness where the method checks it
 *       (Integrated Gradients, LRP), timings, backend and execution provider.</li>
 * </ul>
 * Attributions must be channels-first; transpose NHWC ones first ({@link #toChannelsFirst}). The arrays wait on disk
 * ({@link ArraySpool}), not in memory, until {@link #finish}; {@link #close()} removes them. Not thread-safe.
 */
final class AttributionWriter implements RunWriter {

    private final Path dir;
    private final List<String> names = new ArrayList<>();
    private ArraySpool attributions;
    private ArraySpool heat;
    private final List<Map<String, Object>> images = new ArrayList<>();
    private final List<String> diagnostics = new ArrayList<>();
    private final List<Path> written = new ArrayList<>();
    private Attribution last;
    private Duration attribute = Duration.ZERO;
    private Duration pictures = Duration.ZERO;
    private double maxCompletenessError = Double.NaN;

    /** @param dir the output folder, created if missing */
    AttributionWriter(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    /**
     * Writes one batch's pictures and keeps its arrays for {@link #finish}.
     *
     * @param batchNames  each image's output name
     * @param a           the batch's attributions
     * @param channelsFirst the attributions as [n, C, H, W] (those of {@code a}, or transposed)
     */
    void add(List<String> batchNames, Attribution a, FloatTensor channelsFirst) {
        long t0 = System.nanoTime();
        for (int i = 0; i < a.size(); i++) {
            String name = batchNames.get(i);
            FloatTensor g = channelsFirst.slice(i);
            FloatTensor gray = SaliencyMaps.grayscale(g);
            FloatTensor shown = pictureView(g, name);
            Path color = dir.resolve(name + ".color.png");
            Path grayscale = dir.resolve(name + ".grayscale.png");
            Path positive = dir.resolve(name + ".positive.png");
            Path negative = dir.resolve(name + ".negative.png");
            PngWriter.writeGradient(shown, color);
            PngWriter.writeMap(gray, grayscale);
            PngWriter.writePositiveNegative(shown, positive, negative);
            written.addAll(List.of(color, grayscale, positive, negative));

            Map<String, Object> record = new LinkedHashMap<>();
            record.put("name", name);
            record.put("target", a.target(i));
            record.put("class", a.targetClass(i));
            record.put("score", a.score(i));
            Optional<Completeness> c = a.completeness(i);
            c.ifPresent(value -> record.put("completeness", completeness(value)));
            record.put("color", color.getFileName().toString());
            record.put("grayscale", grayscale.getFileName().toString());
            record.put("positive", positive.getFileName().toString());
            record.put("negative", negative.getFileName().toString());
            images.add(record);
            names.add(name);
            if (attributions == null) {
                attributions = new ArraySpool(dir, "attribution");
                heat = new ArraySpool(dir, "heatmap");
            }
            attributions.add(g);
            heat.add(gray);
        }
        double worst = a.maxCompletenessError();
        if (!Double.isNaN(worst)) {
            maxCompletenessError = Double.isNaN(maxCompletenessError) ? worst
                    : Math.max(maxCompletenessError, worst);
        }
        attribute = attribute.plus(a.elapsed());
        pictures = pictures.plus(Duration.ofNanos(System.nanoTime() - t0));
        last = a;
    }

    /**
     * Writes the arrays and the summary, with {@code header} (method, model, options ...) first in the summary.
     *
     * @param times the run's wall-clock time, loading included, and its start-up
     * @return the summary file
     * @throws IllegalStateException if no batch was added
     */
    @Override
    public Path finish(Map<String, Object> header, RunTimes times) {
        if (last == null) {
            throw new IllegalStateException("no attribution was added");
        }
        long t0 = System.nanoTime();
        Map<String, Object> arrays = ResultWriter.writeArrays(dir, "attribution", attributions, heat, names, images,
                written);
        Duration arraysTime = Duration.ofNanos(System.nanoTime() - t0);

        Map<String, Object> summary = new LinkedHashMap<>(header);
        Provenance p = last.provenance();
        summary.put("attributionMethod", p.method());
        summary.put("explained", p.layer());
        ResultWriter.putBackend(summary, p);
        if (!Double.isNaN(maxCompletenessError)) {
            summary.put("maxCompletenessRelativeError", maxCompletenessError);
        }
        summary.put("images", images);
        summary.put("arrays", arrays);
        summary.put("diagnostics", diagnostics);
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("attributeMs", ResultWriter.millis(attribute));
        timings.put("writeMs", ResultWriter.millis(pictures.plus(arraysTime)));
        times.putInto(timings);
        summary.put("timings", timings);

        return ResultWriter.complete(dir, summary, written);
    }

    /** Every file written so far. */
    @Override
    public List<Path> written() {
        return List.copyOf(written);
    }

    /** The diagnostics collected so far. */
    @Override
    public List<String> diagnostics() {
        return List.copyOf(diagnostics);
    }

    /** The largest relative completeness error so far, NaN when the method reports none. */
    double maxCompletenessError() {
        return maxCompletenessError;
    }

    /** A batch [N, H, W, C] as [N, C, H, W]. */
    static FloatTensor toChannelsFirst(FloatTensor nhwc) {
        Shape s = nhwc.shape();
        int n = s.intDim(0);
        int h = s.intDim(1);
        int w = s.intDim(2);
        int c = s.intDim(3);
        float[] out = new float[nhwc.size()];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int k = 0; k < c; k++) {
                        out[((i * c + k) * h + y) * w + x] = nhwc.getFlat(((i * h + y) * w + x) * c + k);
                    }
                }
            }
        }
        return FloatTensor.wrapOwned(Shape.of(n, c, h, w), out);
    }

    /**
     * What the colour, positive and negative pictures show: the attributions themselves for one or three channels,
     * otherwise their sum over channels (a picture has one or three).
     */
    private FloatTensor pictureView(FloatTensor g, String name) {
        int c = g.shape().intDim(0);
        if (c == 1 || c == 3) {
            return g;
        }
        int plane = g.shape().intDim(1) * g.shape().intDim(2);
        float[] sum = new float[plane];
        for (int k = 0; k < c; k++) {
            for (int p = 0; p < plane; p++) {
                sum[p] += g.getFlat(k * plane + p);
            }
        }
        diagnostics.add(name + ": attributions have " + c + " channels; " + name + ".color.png, .positive.png and "
                + ".negative.png show their sum over channels");
        return FloatTensor.wrapOwned(Shape.of(g.shape().intDim(1), g.shape().intDim(2)), sum);
    }

    private static Map<String, Object> completeness(Completeness c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attributionSum", c.attributionSum());
        m.put("expected", c.expected());
        m.put("absoluteError", c.absoluteError());
        m.put("relativeError", c.relativeError());
        return m;
    }

    /** Deletes the spooled arrays; idempotent. */
    @Override
    public void close() {
        if (attributions != null) {
            attributions.close();
            heat.close();
        }
    }
}
