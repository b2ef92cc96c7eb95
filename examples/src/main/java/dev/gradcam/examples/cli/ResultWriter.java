package dev.gradcam.examples.cli;

import dev.gradcam.api.Explanation;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.Provenance;
import dev.gradcam.api.Timings;
import dev.gradcam.api.image.Colormap;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 *   <li>{@code summary.json}: method, layer, targets, scores, timings, backend and execution provider.</li>
 * </ul>
 * Not thread-safe.
 */
final class ResultWriter {

    private final Path dir;
    private final Overlay overlay;
    private final List<String> names = new ArrayList<>();
    private final List<FloatTensor> raw = new ArrayList<>();
    private final List<FloatTensor> heat = new ArrayList<>();
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
     * @param wall the whole run's wall-clock time, loading included
     * @return the summary file
     * @throws IllegalStateException if no batch was added
     */
    Path finish(Map<String, Object> header, Duration wall) {
        if (last == null) {
            throw new IllegalStateException("no explanation was added");
        }
        Map<String, Object> arrays = new LinkedHashMap<>();
        if (sameShapes(raw) && sameShapes(heat)) {
            FloatTensor rawAll = FloatTensor.stack(raw);
            FloatTensor heatAll = FloatTensor.stack(heat);
            Npy.write(rawAll, dir.resolve("raw.npy"));
            Npy.write(heatAll, dir.resolve("heatmap.npy"));
            written.add(dir.resolve("raw.npy"));
            written.add(dir.resolve("heatmap.npy"));
            arrays.put("raw", fileAndShape("raw.npy", rawAll));
            arrays.put("heatmap", fileAndShape("heatmap.npy", heatAll));
        } else {
            for (int i = 0; i < names.size(); i++) {
                Npy.write(raw.get(i), dir.resolve(names.get(i) + ".raw.npy"));
                Npy.write(heat.get(i), dir.resolve(names.get(i) + ".heatmap.npy"));
                images.get(i).put("raw", names.get(i) + ".raw.npy");
                images.get(i).put("heatmapArray", names.get(i) + ".heatmap.npy");
            }
            arrays.put("note", "images differ in size: one raw and one heatmap .npy per image");
        }

        Map<String, Object> summary = new LinkedHashMap<>(header);
        Provenance p = last.provenance();
        summary.put("method", p.method());
        summary.put("layer", p.layer());
        summary.put("layerOp", last.layer().op());
        summary.put("layerShape", last.layer().shape().toString());
        summary.put("backend", p.backend());
        summary.put("executionProvider", p.executionProvider());
        summary.put("gradientMode", p.gradientMode());
        summary.put("libraryVersion", p.libraryVersion());
        summary.put("backendDetails", new LinkedHashMap<>(p.details()));
        summary.put("images", images);
        summary.put("arrays", arrays);
        summary.put("diagnostics", diagnostics);
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("backendMs", millis(backend));
        timings.put("mapsMs", millis(maps));
        timings.put("postProcessingMs", millis(post));
        timings.put("explainMs", millis(total));
        timings.put("wallMs", millis(wall));
        summary.put("timings", timings);

        Path file = writeSummary(dir, summary);
        written.add(file);
        return file;
    }

    /**
     * Writes {@code summary.json} into {@code dir}.
     *
     * @return the file
     * @throws GradCamException if it cannot be written
     */
    static Path writeSummary(Path dir, Map<String, Object> summary) {
        Path file = dir.resolve("summary.json");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, Json.write(summary) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GradCamException("cannot write " + file + ": " + e, e);
        }
        return file;
    }

    /** Every file written so far. */
    List<Path> written() {
        return List.copyOf(written);
    }

    /** The diagnostics collected so far. */
    List<String> diagnostics() {
        return List.copyOf(diagnostics);
    }

    static Map<String, Object> fileAndShape(String file, FloatTensor t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("shape", t.shape().dims());
        return m;
    }

    static boolean sameShapes(List<FloatTensor> ts) {
        return ts.stream().map(FloatTensor::shape).distinct().count() == 1;
    }

    static double millis(Duration d) {
        return Math.round(d.toNanos() / 1e4) / 100.0;
    }
}
