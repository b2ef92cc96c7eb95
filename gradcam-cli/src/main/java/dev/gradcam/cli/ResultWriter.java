package dev.gradcam.cli;

import dev.gradcam.api.Explanation;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.Provenance;
import dev.gradcam.api.Timings;
import dev.gradcam.api.image.Colormap;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.io.OutputFiles;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes what {@code gradcam explain} produces into one folder, batch by batch:
 * <ul>
 *   <li>{@code NAME.overlay.png}: the heatmap blended onto the image, and {@code NAME.heatmap.png}: the heatmap
 *       alone, colour-mapped;</li>
 *   <li>{@code raw.npy}: the raw signed maps at layer resolution [N, h, w], float32;</li>
 *   <li>{@code heatmap.npy}: the normalised maps at input resolution [N, H, W], float32 (when images differ in size:
 *       {@code NAME.raw.npy} and {@code NAME.heatmap.npy} per image instead);</li>
 *   <li>{@code summary.json}: method, layer, targets, scores, timings, backend and execution provider, the run's
 *       {@code "status"} and every file it wrote ({@code "files"}); a failed run that wrote something leaves a summary
 *       with {@code "status": "failed"} and the {@code "error"}.</li>
 * </ul>
 * The maps wait on disk ({@link ArraySpool}), not in memory, until {@link #finish}; {@link #close()} removes them.
 * Not thread-safe.
 */
final class ResultWriter implements RunWriter {

    private final Path dir;
    private final Overlay overlay;
    private final List<String> names = new ArrayList<>();
    private ArraySpool raw;
    private ArraySpool heat;
    private final List<Map<String, Object>> images = new ArrayList<>();
    private final List<String> diagnostics = new ArrayList<>();
    private final List<Path> written = new ArrayList<>();
    private Explanation last;
    private Duration backend = Duration.ZERO;
    private Duration maps = Duration.ZERO;
    private Duration post = Duration.ZERO;
    private Duration total = Duration.ZERO;

    /**
     * @param dir     the output folder, created if missing
     * @param overlay how heatmaps are coloured and blended
     */
    ResultWriter(Path dir, Overlay overlay) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.overlay = Objects.requireNonNull(overlay, "overlay");
    }

    /**
     * Writes one batch's pictures and keeps its maps for {@link #finish}.
     *
     * @param batchNames each image's output name
     * @param backdrops  each image as a picture of the input's size
     */
    void add(List<String> batchNames, List<BufferedImage> backdrops, Explanation e) {
        Colormap colormap = overlay.colormap();
        for (int i = 0; i < e.size(); i++) {
            String name = batchNames.get(i);
            FloatTensor h = e.heatmap(i);
            Path overlayPng = dir.resolve(name + ".overlay.png");
            Path heatPng = dir.resolve(name + ".heatmap.png");
            PngWriter.write(overlay.apply(backdrops.get(i), h), overlayPng);
            PngWriter.write(colormap.render(h), heatPng);
            written.add(overlayPng);
            written.add(heatPng);

            Map<String, Object> record = new LinkedHashMap<>();
            record.put("name", name);
            record.put("target", e.target(i));
            record.put("class", e.targetClass(i));
            record.put("score", e.score(i));
            record.put("selectedChannels", e.mask(i).count());
            record.put("channels", e.mask(i).channels());
            record.put("overlay", overlayPng.getFileName().toString());
            record.put("heatmap", heatPng.getFileName().toString());
            images.add(record);
            names.add(name);
            if (raw == null) {
                raw = new ArraySpool(dir, "raw");
                heat = new ArraySpool(dir, "heatmap");
            }
            raw.add(e.rawMaps().slice(i));
            heat.add(h);
        }
        for (String d : e.diagnostics()) {
            diagnostics.add(batchNames.size() == 1 ? batchNames.get(0) + ": " + d
                    : "batch " + batchNames.get(0) + ".." + batchNames.get(batchNames.size() - 1) + ": " + d);
        }
        Timings t = e.timings();
        backend = backend.plus(t.backend());
        maps = maps.plus(t.maps());
        post = post.plus(t.postProcessing());
        total = total.plus(t.total());
        last = e;
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
            throw new IllegalStateException("no explanation was added");
        }
        Map<String, Object> arrays = writeArrays(dir, "raw", raw, heat, names, images, written);

        Map<String, Object> summary = new LinkedHashMap<>(header);
        Provenance p = last.provenance();
        summary.put("method", p.method());
        summary.put("layer", p.layer());
        summary.put("layerOp", last.layer().op());
        summary.put("layerShape", last.layer().shape().toString());
        putBackend(summary, p);
        summary.put("images", images);
        summary.put("arrays", arrays);
        summary.put("diagnostics", diagnostics);
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("backendMs", millis(backend));
        timings.put("mapsMs", millis(maps));
        timings.put("postProcessingMs", millis(post));
        timings.put("explainMs", millis(total));
        times.putInto(timings);
        summary.put("timings", timings);
        return complete(dir, summary, written);
    }

    /**
     * Writes a complete run's summary: {@code "status": "complete"} and the {@code "files"} written (the summary
     * included), which a later {@code --overwrite} removes. Adds the summary to {@code written}.
     */
    static Path complete(Path dir, Map<String, Object> summary, List<Path> written) {
        summary.put("status", "complete");
        summary.put("files", fileNames(written, true));
        Path file = writeSummary(dir, summary);
        written.add(file);
        return file;
    }

    /**
     * After a failure: if anything was written, a summary saying what was written and what failed
     * ({@code "status": "failed"}, {@code "error"}, {@code "files"}), so that no output is left unexplained.
     * Never throws: the original failure is what the caller reports.
     */
    static void failed(Path dir, Map<String, Object> header, List<Path> written, Throwable error) {
        if (written.isEmpty()) {
            return;
        }
        try {
            Map<String, Object> summary = new LinkedHashMap<>(header);
            summary.put("status", "failed");
            summary.put("error", error.getClass().getSimpleName() + ": " + error.getMessage());
            summary.put("files", fileNames(written, true));
            writeSummary(dir, summary);
        } catch (RuntimeException ignored) {
            // The disk may be full: the caller still reports the first error.
        }
    }

    private static List<String> fileNames(List<Path> written, boolean withSummary) {
        List<String> names = new ArrayList<>();
        for (Path p : written) {
            names.add(p.getFileName().toString());
        }
        if (withSummary && !names.contains(OutputFolder.SUMMARY)) {
            names.add(OutputFolder.SUMMARY);
        }
        return names;
    }

    /**
     * Writes {@code summary.json} into {@code dir}.
     *
     * @return the file
     * @throws GradCamException if it cannot be written
     */
    static Path writeSummary(Path dir, Map<String, Object> summary) {
        Path file = dir.resolve(OutputFolder.SUMMARY);
        byte[] json = (Json.write(summary) + "\n").getBytes(StandardCharsets.UTF_8);
        OutputFiles.write(file, "JSON", out -> out.write(json));
        return file;
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

    /**
     * Writes the per-image arrays {@code maps} and {@code heat}: stacked into {@code KIND.npy} and
     * {@code heatmap.npy} when all have the same shape, else as {@code NAME.KIND.npy} and {@code NAME.heatmap.npy}
     * per image (named in the image's record). Adds the files to {@code written}.
     *
     * @param kind the first array's name, e.g. {@code raw} or {@code attribution}
     * @return the summary's {@code arrays} entry
     */
    static Map<String, Object> writeArrays(Path dir, String kind, ArraySpool maps, ArraySpool heat,
                                           List<String> names, List<Map<String, Object>> images, List<Path> written) {
        Map<String, Object> arrays = new LinkedHashMap<>();
        if (maps.uniform() && heat.uniform()) {
            Path mapsFile = dir.resolve(kind + ".npy");
            Path heatFile = dir.resolve("heatmap.npy");
            maps.writeStacked(mapsFile);
            written.add(mapsFile);
            heat.writeStacked(heatFile);
            written.add(heatFile);
            arrays.put(kind, fileAndShape(mapsFile, maps.stackedShape()));
            arrays.put("heatmap", fileAndShape(heatFile, heat.stackedShape()));
        } else {
            for (int i = 0; i < names.size(); i++) {
                Path m = dir.resolve(names.get(i) + "." + kind + ".npy");
                Path h = dir.resolve(names.get(i) + ".heatmap.npy");
                maps.writeOne(i, m);
                written.add(m);
                heat.writeOne(i, h);
                written.add(h);
                images.get(i).put(kind, m.getFileName().toString());
                images.get(i).put("heatmapArray", h.getFileName().toString());
            }
            arrays.put("note", "images differ in size: one " + kind + " and one heatmap .npy per image");
        }
        return arrays;
    }

    /** The summary entries both writers share: where the passes ran. */
    static void putBackend(Map<String, Object> summary, Provenance p) {
        summary.put("backend", p.backend());
        summary.put("executionProvider", p.executionProvider());
        summary.put("gradientMode", p.gradientMode());
        summary.put("libraryVersion", p.libraryVersion());
        summary.put("backendDetails", new LinkedHashMap<>(p.details()));
    }

    private static Map<String, Object> fileAndShape(Path file, Shape shape) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.getFileName().toString());
        m.put("shape", shape.dims());
        return m;
    }

    /** Deletes the spooled maps; idempotent. */
    @Override
    public void close() {
        if (raw != null) {
            raw.close();
            heat.close();
        }
    }

    static double millis(Duration d) {
        return Math.round(d.toNanos() / 1e4) / 100.0;
    }
}
