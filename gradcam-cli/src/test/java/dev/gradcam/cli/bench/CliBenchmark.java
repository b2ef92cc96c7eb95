package dev.gradcam.cli.bench;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Models;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.cli.GradcamCli;
import dev.gradcam.testsupport.BenchImages;
import dev.gradcam.testsupport.ProcessClock;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The {@code gradcam explain} tool's time per image against the library's, on folders of generated 224x224 PNGs
 * (a main, not a test; docs/performance.md). The tool runs in-process on a folder of {@code large} and one of
 * {@code small} images; its time per image is the difference of the two runs over the difference of their sizes, so
 * model loading and variant compilation cancel. The library's time per image is {@link Explainer#explain} on the
 * same images already decoded and preprocessed, in batches of the tool's size, after a warm-up. Each measurement is
 * the best of {@code rounds}; wall and process CPU time are both printed.
 *
 * <p>Usage: {@code CliBenchmark MODEL LAYER [LARGE] [SMALL] [BATCH] [ROUNDS]}, defaults 64, 16, 8, 3. System
 * property {@code bench.backendOptions} ({@code KEY=VALUE,...}, e.g. {@code allowSpinning=true}) is passed to both
 * the library's model and the tool ({@code --backend-option}), on top of each one's defaults; {@code bench.toolArgs}
 * (space-separated, e.g. {@code --workers 1}) is added to the tool's arguments; {@code bench.libraryWorkers=N} runs
 * the library's batches N at a time on a model with {@code intraOpThreads} = cores - N + 1, as the tool's workers do.
 */
public final class CliBenchmark {

    private static final Map<String, String> OPTIONS = options(System.getProperty("bench.backendOptions", ""));
    private static final int LIBRARY_WORKERS = Integer.getInteger("bench.libraryWorkers", 1);
    private static final List<String> TOOL_ARGS = System.getProperty("bench.toolArgs", "").isBlank() ? List.of()
            : List.of(System.getProperty("bench.toolArgs").trim().split("\\s+"));

    private CliBenchmark() {
    }

    private static Map<String, String> options(String spec) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : spec.split(",")) {
            if (!kv.isBlank()) {
                String[] p = kv.split("=", 2);
                m.put(p[0].trim(), p[1].trim());
            }
        }
        return m;
    }

    public static void main(String[] args) throws IOException {
        Path model = Path.of(args[0]);
        String layer = args[1];
        int large = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int small = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        Path root = Files.createTempDirectory("gradcam-cli-bench");
        Path largeDir = Files.createDirectories(root.resolve("large"));
        Path smallDir = Files.createDirectories(root.resolve("small"));
        Random random = new Random(1);
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < large; i++) {
            BufferedImage image = BenchImages.scene(random);
            images.add(image);
            String name = String.format(Locale.ROOT, "img%04d.png", i);
            PngWriter.write(image, largeDir.resolve(name));
            if (i < small) {
                PngWriter.write(image, smallDir.resolve(name));
            }
        }
        System.out.printf(Locale.ROOT, "%d and %d images 224x224, batch %d, %s at %s, %d cores, options %s, tool "
                + "arguments %s, library workers %d%n", large, small, batch, model.getFileName(), layer,
                Runtime.getRuntime().availableProcessors(), OPTIONS, TOOL_ARGS, LIBRARY_WORKERS);

        double[] library = library(model, layer, images, batch, rounds);
        double[] cliLarge = best(rounds, r -> cli(model, layer, largeDir, root.resolve("out-large-" + r), batch));
        double[] cliSmall = best(rounds, r -> cli(model, layer, smallDir, root.resolve("out-small-" + r), batch));
        double wall = (cliLarge[0] - cliSmall[0]) / (large - small);
        double cpu = (cliLarge[1] - cliSmall[1]) / (large - small);
        System.out.printf(Locale.ROOT, "library: %.1f ms wall, %.1f ms CPU per image%n", library[0] * 1e3,
                library[1] * 1e3);
        System.out.printf(Locale.ROOT, "tool: %d images %.2f s, %d images %.2f s -> %.1f ms wall, %.1f ms CPU per "
                + "image%n", large, cliLarge[0], small, cliSmall[0], wall * 1e3, cpu * 1e3);
        System.out.printf(Locale.ROOT, "tool / library per image: %.2f wall, %.2f CPU; load %.1f%n",
                wall / library[0], cpu / library[1], ProcessClock.loadAverage());
    }

    private static double[] library(Path path, String layer, List<BufferedImage> images, int batch, int rounds) {
        Preprocessing pre = Preprocessing.imagenet().withSize(224, 224);
        List<FloatTensor> batches = new ArrayList<>();
        for (int from = 0; from < images.size(); from += batch) {
            batches.add(Images.toTensor(images.subList(from, Math.min(images.size(), from + batch)), pre));
        }
        Map<String, String> options = new LinkedHashMap<>(OPTIONS);
        if (LIBRARY_WORKERS > 1) { // as the tool shares the cores between its workers
            options.putIfAbsent("intraOpThreads", String.valueOf(Math.max(1,
                    Runtime.getRuntime().availableProcessors() - LIBRARY_WORKERS + 1)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(LIBRARY_WORKERS);
        try (DifferentiableModel model = Models.load(path, "onnx", options)) {
            Explainer explainer = Explainer.of(model, dev.gradcam.api.method.CamMethods.gradCam()).layer(layer)
                    .build();
            batches.forEach(explainer::explain); // warm-up: variants compiled for every batch size
            return best(rounds, r -> {
                List<Future<?>> runs = new ArrayList<>();
                for (FloatTensor b : batches) {
                    runs.add(pool.submit(() -> explainer.explain(b)));
                }
                for (Future<?> f : runs) {
                    try {
                        f.get();
                    } catch (InterruptedException | ExecutionException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return images.size();
            }, images.size());
        } finally {
            pool.shutdown();
        }
    }

    private static int cli(Path model, String layer, Path input, Path out, int batch) {
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("explain", "--model", model.toString(), "--layer", layer,
                "--input", input.toString(), "--out", out.toString(), "--batch-size", String.valueOf(batch), "--quiet"));
        OPTIONS.forEach((k, v) -> args.addAll(List.of("--backend-option", k + "=" + v)));
        args.addAll(TOOL_ARGS);
        int code = GradcamCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
                args.toArray(new String[0]));
        if (code != 0) {
            throw new IllegalStateException("gradcam explain failed (" + code + "): " + err);
        }
        return 1;
    }

    @FunctionalInterface
    private interface Run {
        int run(int round);
    }

    /** The best round's {wall s, CPU s}, each divided by {@code per}. */
    private static double[] best(int rounds, Run run, int per) {
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int r = 0; r < rounds; r++) {
            long wall = System.nanoTime();
            long cpu = ProcessClock.cpuNanos();
            run.run(r);
            double w = (System.nanoTime() - wall) / 1e9 / per;
            double c = (ProcessClock.cpuNanos() - cpu) / 1e9 / per;
            if (w < best[0]) {
                best[0] = w;
                best[1] = c;
            }
        }
        return best;
    }

    private static double[] best(int rounds, Run run) {
        return best(rounds, run, 1);
    }
}
