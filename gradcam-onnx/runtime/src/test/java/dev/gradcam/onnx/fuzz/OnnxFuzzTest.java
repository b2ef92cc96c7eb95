package dev.gradcam.onnx.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes model loading and Grad-CAM with mutants of every fixture model ({@link OnnxMutator}), run in child JVMs
 * ({@link FuzzWorker}) so that a native crash inside ONNX Runtime is caught and reported instead of killing the
 * build. Every mutant must either run or fail with a {@link dev.gradcam.api.GradCamException}: 0 crashes, 0 hangs,
 * 0 internal exceptions.
 *
 * <p>System properties: {@code gradcam.fuzz.mutants} (default 300 in the default suite; the {@code fuzz} profile
 * runs 2,000, release runs more), {@code gradcam.fuzz.seed} (default 12), {@code gradcam.fuzz.workers} (default 2),
 * {@code gradcam.fuzz.timeout} (seconds one mutant may take, default 120), {@code gradcam.fuzz.dir} (the seed
 * models: {@code fixtures}, the default, or {@code opsets}, the old-opset exports). The report goes to
 * {@code target/fuzz/report.txt}, every mutant's outcome to {@code outcomes.txt}; failing mutants are saved beside
 * them to replay.
 */
class OnnxFuzzTest {

    private static final int MUTANTS = Integer.getInteger("gradcam.fuzz.mutants", 300);
    private static final long SEED = Long.getLong("gradcam.fuzz.seed", 12);
    private static final int WORKERS = Integer.getInteger("gradcam.fuzz.workers", 2);
    private static final int TIMEOUT_S = Integer.getInteger("gradcam.fuzz.timeout", 120);

    /** Outcome of one mutant, as the worker printed it or as the parent saw the worker die. */
    private record Outcome(int index, String kind, String line) {
    }

    @Test
    void everyMutantRunsOrFailsClearly() throws Exception {
        Path fixtures = fixtures();
        Path out = Path.of("target", "fuzz").toAbsolutePath();
        Files.createDirectories(out);
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        int chunk = (MUTANTS + WORKERS - 1) / WORKERS;
        for (int w = 0; w < WORKERS; w++) {
            int from = w * chunk;
            int to = Math.min(MUTANTS, from + chunk);
            Thread t = new Thread(() -> runRange(fixtures, out, from, to, outcomes), "fuzz-" + w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, Integer> clearTypes = new TreeMap<>();
        Map<String, List<String>> samples = new TreeMap<>();
        List<Outcome> bad = new ArrayList<>();
        for (Outcome o : outcomes) {
            counts.merge(o.kind(), 1, Integer::sum);
            if (o.kind().equals("clear")) {
                String type = o.line().substring("clear ".length(), o.line().indexOf(':'));
                clearTypes.merge(type, 1, Integer::sum);
                List<String> some = samples.computeIfAbsent(type, k -> new ArrayList<>());
                if (some.size() < 5) {
                    some.add(o.line());
                }
            } else if (!o.kind().equals("ok")) {
                bad.add(o);
            }
        }
        bad.sort((a, b) -> Integer.compare(a.index(), b.index()));
        StringBuilder report = new StringBuilder("seed " + SEED + ", " + MUTANTS + " mutants: " + counts
                + "\nclear errors by type: " + clearTypes + "\n");
        for (Outcome o : bad) {
            report.append(o.index()).append(' ').append(o.line()).append('\n');
            saveMutant(fixtures, out, o.index());
        }
        report.append("samples of clear errors:\n");
        samples.values().forEach(v -> v.forEach(line -> report.append("  ").append(line).append('\n')));
        Files.writeString(out.resolve("report.txt"), report);
        List<Outcome> all = new ArrayList<>(outcomes);
        all.sort((a, b) -> Integer.compare(a.index(), b.index()));
        Files.write(out.resolve("outcomes.txt"), all.stream().map(o -> o.index() + " " + o.line()).toList());
        System.out.println("[fuzz] " + report.toString().lines().limit(2).reduce((a, b) -> a + "; " + b).orElse(""));
        assertEquals(MUTANTS, outcomes.size(), "every mutant has an outcome");
        assertTrue(bad.isEmpty(), bad.size() + " mutants crashed, hung or leaked an internal exception (replay with "
                + "FuzzWorker, mutants saved in " + out + "):\n" + report);
    }

    private static void runRange(Path fixtures, Path out, int from, int to, List<Outcome> outcomes) {
        int next = from;
        while (next < to) {
            next = runWorker(fixtures, out, next, to, outcomes);
        }
    }

    /** Runs one worker JVM from {@code from}; returns the first mutant it did not finish (after a crash or hang). */
    private static int runWorker(Path fixtures, Path out, int from, int to, List<Outcome> outcomes) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-XX:+UseSerialGC", "-XX:-OmitStackTraceInFastThrow", "-cp", cp,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", FuzzWorker.class.getName(), fixtures.toString(),
                Long.toString(SEED), Integer.toString(from), Integer.toString(to), out.toString());
        pb.redirectErrorStream(true);
        Path log = out.resolve("worker-" + from + ".log");
        pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        int started = -1;
        int finished = from - 1;
        try {
            Process p = pb.start();
            List<String> tail = new ArrayList<>();
            Thread watchdog = watchdog(p);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith(FuzzWorker.START)) {
                        started = Integer.parseInt(line.substring(FuzzWorker.START.length()).trim());
                        tail.clear();
                        watchdog.interrupt();
                        watchdog = watchdog(p);
                    } else if (line.startsWith(FuzzWorker.END)) {
                        String rest = line.substring(FuzzWorker.END.length());
                        int space = rest.indexOf(' ');
                        finished = Integer.parseInt(rest.substring(0, space));
                        String result = rest.substring(space + 1);
                        outcomes.add(new Outcome(finished, result.substring(0, result.indexOf(' ')), result));
                    } else if (tail.size() < 40) {
                        tail.add(line);
                    }
                }
            }
            watchdog.interrupt();
            int rc = p.waitFor();
            if (started > finished) {
                boolean hung = rc == 137 || rc == 143;
                String what = hung ? "hang (no result in " + TIMEOUT_S + " s)" : "crash (exit " + rc + ")";
                outcomes.add(new Outcome(started, hung ? "hang" : "crash", what + ": " + String.join(" / ", tail)));
                Files.write(log, tail);
                return started + 1;
            }
            if (finished != to - 1) {
                Files.write(log, tail);
                throw new AssertionError("fuzz worker exited with " + rc + " before mutant " + (finished + 1)
                        + "; see " + log);
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Thread watchdog(Process p) {
        Thread t = new Thread(() -> {
            try {
                if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                // The mutant finished in time.
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void saveMutant(Path fixtures, Path out, int index) throws IOException {
        List<Path> seeds = FuzzWorker.seedFiles(fixtures);
        OnnxMutator m = new OnnxMutator(Files.readAllBytes(seeds.get(index % seeds.size())));
        Files.write(out.resolve("mutant-" + index + ".onnx"), m.mutate(FuzzWorker.mutantSeed(SEED, index)).bytes());
    }

    private static Path fixtures() throws URISyntaxException {
        // gradcam.fuzz.dir=opsets fuzzes the old-opset exports, which go through the opset converter.
        return Path.of(OnnxFuzzTest.class.getResource("/dev/gradcam/onnx/" + System.getProperty("gradcam.fuzz.dir",
                "fixtures")).toURI());
    }
}
