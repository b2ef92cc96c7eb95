package dev.gradcam.onnx.fuzz;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.runtime.OnnxModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The child-JVM side of {@link OnnxFuzzTest}: loads mutants {@code from..to-1} one after another and explains each
 * with Grad-CAM, printing a start line before and an outcome line after each one on stdout. A mutant that kills the
 * JVM (a native crash) leaves a start line without an outcome, which the parent reports as a crash and then resumes
 * after it in a fresh worker.
 *
 * <p>Arguments: {@code fixturesDir seed from to scratchDir}.
 */
public final class FuzzWorker {

    static final String START = "@@fuzz start ";
    static final String END = "@@fuzz end ";
    /** Declared inputs larger than this are not allocated by the worker; it feeds a small image instead. */
    private static final long MAX_INPUT = 1 << 22;

    private FuzzWorker() {
    }

    public static void main(String[] args) throws IOException {
        Path fixtures = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int from = Integer.parseInt(args[2]);
        int to = Integer.parseInt(args[3]);
        Path scratch = Path.of(args[4]);
        List<Path> seeds = seedFiles(fixtures);
        OnnxMutator[] mutators = new OnnxMutator[seeds.size()];
        for (int i = 0; i < mutators.length; i++) {
            mutators[i] = new OnnxMutator(Files.readAllBytes(seeds.get(i)));
        }
        PrintStream out = System.out;
        for (int i = from; i < to; i++) {
            int f = i % mutators.length;
            OnnxMutator.Mutant m = mutators[f].mutate(mutantSeed(seed, i));
            out.println(START + i);
            out.flush();
            Path file = scratch.resolve("mutant-" + i + ".onnx");
            Files.write(file, m.bytes());
            String outcome = run(file);
            Files.deleteIfExists(file);
            out.println(END + i + " " + outcome + " | " + seeds.get(f).getFileName() + ": " + m.description());
            out.flush();
        }
    }

    /** The seed files: every fixture model, sorted by name so that mutant numbers are stable. */
    static List<Path> seedFiles(Path fixtures) throws IOException {
        try (Stream<Path> s = Files.list(fixtures)) {
            return s.filter(p -> p.toString().endsWith(".onnx")).sorted().toList();
        }
    }

    static long mutantSeed(long seed, int index) {
        return seed * 1_000_003L + index;
    }

    /** "ok", "clear ExceptionType: message" or "internal ExceptionType: message at frames". */
    static String run(Path file) {
        try (OnnxModel model = OnnxModel.load(file, Map.of("executionProvider", "cpu"))) {
            Explainer explainer = Explainer.gradCam(model).build();
            explainer.explain(input(model.inputs().get(0).shape()));
            return "ok";
        } catch (GradCamException e) {
            if (e.getCause() instanceof RuntimeException cause && !(cause instanceof GradCamException)) {
                // A deliberate exception type hiding an accident: still an internal error.
                return internal(cause);
            }
            return "clear " + e.getClass().getSimpleName() + ": " + oneLine(e.getMessage());
        } catch (Throwable t) {
            return internal(t);
        }
    }

    private static String internal(Throwable t) {
        String where = Arrays.stream(t.getStackTrace()).limit(4).map(StackTraceElement::toString)
                .reduce((a, b) -> a + " < " + b).orElse("?");
        return "internal " + t.getClass().getName() + ": " + oneLine(t.getMessage()) + " at " + where;
    }

    private static FloatTensor input(Shape declared) {
        long[] d = declared.dims();
        long count = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == Shape.DYNAMIC) {
                d[i] = i == 0 ? 1 : 32;
            }
            count = d[i] <= 0 || count > MAX_INPUT ? Long.MAX_VALUE : count * d[i];
        }
        if (count > MAX_INPUT) {
            d = new long[] {1, 3, 32, 32};
            count = 3 * 32 * 32;
        }
        float[] v = new float[(int) count];
        Random r = new Random(7);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return FloatTensor.of(Shape.of(d), v);
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        String line = s.replace('\n', ' ').replace('\r', ' ');
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
