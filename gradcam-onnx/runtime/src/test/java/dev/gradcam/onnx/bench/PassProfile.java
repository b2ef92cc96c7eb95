package dev.gradcam.onnx.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.onnx.grad.CompiledGraph;
import dev.gradcam.onnx.grad.GradientCompiler;
import dev.gradcam.onnx.grad.GradientSpec;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.ShapeInference;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.model.OnnxModelReader;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a pass spends its time, per operator type: runs the model specialised to one batch size (forward) and its
 * compiled input-gradient graph (top-class seed) in two ONNX Runtime sessions with the profiler on, interleaved, and
 * prints per operator type of ONNX Runtime's optimised graph (fused ops under their fused name, layout reorders
 * included) the sum over its nodes of each node's fastest kernel time, the node count and the share of the pass,
 * then the fastest whole run of each. Fastest times are what a machine shared with other work disturbs least. A
 * runnable main, not a test (docs/performance.md).
 *
 * <pre>
 * java -cp "gradcam-onnx/runtime/target/test-classes:gradcam-onnx/runtime/target/classes:$(cat cp.txt)" \
 *     dev.gradcam.onnx.bench.PassProfile gradcam-onnx/runtime/target/bench/resnet50.onnx 16 5 [threads]
 * </pre>
 *
 * Arguments: model file, batch size, profiled runs (after two warm-up runs, which are left out), optional intra-op
 * threads (default: ONNX Runtime's; 1 makes each kernel's time its own work). The profiles (ONNX Runtime's JSON) are left in {@code target/profile}.
 */
public final class PassProfile {

    private static final Pattern NODE = Pattern.compile("\"cat\"\\s*:\\s*\"Node\"");
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern DUR = Pattern.compile("\"dur\"\\s*:\\s*(\\d+)");
    private static final Pattern OP = Pattern.compile("\"op_name\"\\s*:\\s*\"([^\"]*)\"");

    /** The whole run (ONNX Runtime's model_run event), kept apart from the op totals. */
    private static final String RUN = "(model_run)";

    private PassProfile() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        ModelProto model = OnnxModelReader.read(file);
        Graph graph = Graph.of(model);
        String input = graph.inputs().get(0).getName();
        String output = model.getGraph().getOutput(0).getName();
        long[] dims = Graph.typeOf(graph.inputs().get(0)).dims().clone();
        dims[0] = batch;
        Shapes shapes = ShapeInference.infer(graph, Map.of(input, dims));
        CompiledGraph fwd = GradientCompiler.compile(shapes, GradientSpec.forward(output, List.of()), true);
        CompiledGraph ig = GradientCompiler.compile(shapes, new GradientSpec(output, List.of(), true,
                GradientMode.STANDARD, GradientSpec.SeedSource.TOP_CLASS), true);
        Path dir = Path.of("target", "profile");
        Files.createDirectories(dir);
        float[] data = new float[Math.toIntExact(java.util.Arrays.stream(dims).reduce(1, Math::multiplyExact))];
        Random r = new Random(1);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        Map<String, double[]> f;
        Map<String, double[]> g;
        try (OrtSession fs = session(fwd.model(), threads, dir.resolve("forward"));
             OrtSession gs = session(ig.model(), threads, dir.resolve("input-gradient"))) {
            // Interleaved, so that changes in the machine's load touch both alike.
            for (int i = 0; i < runs + 2; i++) {
                run(fs, input, data, dims);
                run(gs, input, data, dims);
            }
            f = totals(fs, runs);
            g = totals(gs, runs);
        }
        double fRun = f.remove(RUN)[0];
        double gRun = g.remove(RUN)[0];
        double ft = f.values().stream().mapToDouble(v -> v[0]).sum();
        double gt = g.values().stream().mapToDouble(v -> v[0]).sum();
        System.out.printf("%s, batch %d, %d profiled runs; ms per run (sum over nodes of the fastest kernel time)%n", file.getFileName(),
                batch, runs);
        System.out.printf("%-28s %10s %6s %7s %10s %6s %7s%n", "op", "fwd ms", "nodes", "share", "igrad ms", "nodes",
                "share");
        TreeMap<String, Boolean> ops = new TreeMap<>();
        f.keySet().forEach(k -> ops.put(k, true));
        g.keySet().forEach(k -> ops.put(k, true));
        List<String> sorted = new ArrayList<>(ops.keySet());
        sorted.sort((a, b) -> Double.compare(g.getOrDefault(b, new double[2])[0], g.getOrDefault(a, new double[2])[0]));
        for (String op : sorted) {
            double[] a = f.getOrDefault(op, new double[2]);
            double[] b = g.getOrDefault(op, new double[2]);
            System.out.printf("%-28s %10.1f %6.0f %6.1f%% %10.1f %6.0f %6.1f%%%n", op, a[0], a[1],
                    100 * a[0] / ft, b[0], b[1], 100 * b[0] / gt);
        }
        System.out.printf("%-28s %10.1f %6s %7s %10.1f   ratio %.2f%n", "total", ft, "", "", gt, gt / ft);
        System.out.printf("%-28s %10.1f %6s %7s %10.1f   ratio %.2f%n", "fastest whole run", fRun, "", "", gRun,
                gRun / fRun);
    }

    /** A session with the profiler on, for one graph. */
    private static OrtSession session(ModelProto m, int threads, Path prefix) throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (threads > 0) {
                so.setIntraOpNumThreads(threads);
            }
            so.enableProfiling(prefix.toString());
            return OrtEnvironment.getEnvironment().createSession(m.toByteArray(), so);
        }
    }

    private static void run(OrtSession s, String input, float[] data, long[] dims) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), dims);
             OrtSession.Result res = s.run(Map.of(input, t))) {
            res.get(0);
        }
    }

    /**
     * Op type to {summed kernel ms, node count}: each node's fastest kernel time over the profiled runs (the first
     * two runs are warm-ups), which a machine shared with other work disturbs least.
     */
    private static Map<String, double[]> totals(OrtSession s, int runs) throws OrtException, java.io.IOException {
        String json = Files.readString(Path.of(s.endProfiling()));
        Map<String, List<Long>> perNode = new TreeMap<>();
        Map<String, String> opOf = new TreeMap<>();
        for (String line : json.split("\n")) {
            Matcher name = NAME.matcher(line);
            Matcher dur = DUR.matcher(line);
            Matcher op = OP.matcher(line);
            if (name.find() && name.group(1).equals("model_run") && dur.find()) {
                perNode.computeIfAbsent(RUN, k -> new ArrayList<>()).add(Long.parseLong(dur.group(1)));
                opOf.put(RUN, RUN);
                continue;
            }
            name.reset();
            dur.reset();
            if (NODE.matcher(line).find() && name.find() && name.group(1).endsWith("_kernel_time") && dur.find()
                    && op.find()) {
                perNode.computeIfAbsent(name.group(1), k -> new ArrayList<>()).add(Long.parseLong(dur.group(1)));
                opOf.put(name.group(1), op.group(1));
            }
        }
        Map<String, double[]> totals = new TreeMap<>();
        perNode.forEach((node, us) -> {
            double[] v = totals.computeIfAbsent(opOf.get(node), k -> new double[2]);
            v[0] += us.subList(Math.max(0, us.size() - runs), us.size()).stream().mapToLong(Long::longValue).min()
                    .orElse(0) / 1000.0;
            v[1]++;
        });
        return totals;
    }
}
