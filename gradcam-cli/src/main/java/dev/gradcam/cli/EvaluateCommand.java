package dev.gradcam.cli;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Methods;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.image.TensorLayout;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.saliency.AttributionMethod;
import dev.gradcam.api.saliency.SaliencyMaps;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.cli.demo.DemoImages;
import dev.gradcam.cli.demo.DemoModel;
import dev.gradcam.metrics.Batches;
import dev.gradcam.metrics.Candidate;
import dev.gradcam.metrics.Evaluation;
import dev.gradcam.metrics.Evaluator;
import dev.gradcam.metrics.MapFunction;
import dev.gradcam.metrics.MetricName;
import dev.gradcam.metrics.PerturbationBaseline;
import dev.gradcam.metrics.Scoring;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gradcam evaluate}: scores explanation methods (or maps made elsewhere) with faithfulness, localisation and
 * complexity metrics, and writes metrics.json, metrics.csv, curve plots and a self-contained report.html.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scores explanations with metrics: which method explains this model best?",
            "Writes metrics.json ({\"methods\": {METHOD: {METRIC: [value per image]}}}), metrics.csv, "
                + "curves/CURVE-IMAGE.png and report.html (self-contained: input, overlays, metric tables, "
                + "ranking).",
            "Metrics: road-morf:P, road-lerf:P (P a percentile), road-morf, road-lerf (averages over 10..90), "
                + "road-combined, confidence-change, drop-in-confidence, increase-in-confidence, deletion, "
                + "insertion, arcc, complexity, coherency, pointing-game, energy-pointing-game, sparseness, "
                + "infidelity, max-sensitivity; also relevance-mass, relevance-rank, entropy. See docs/evaluation.md."},
        footer = {"", "Examples:",
            "  gradcam evaluate --model resnet50.onnx --input cat.jpg --layer layer4 \\",
            "                   --method grad-cam,grad-cam-plus-plus,score-cam \\",
            "                   --metric road-combined,deletion,insertion --out eval/",
            "  gradcam evaluate --model m.onnx --input batch.npy --maps my_maps.npy \\",
            "                   --metric road-morf:80,road-lerf:20,confidence-change --road-noise 0",
            "  gradcam evaluate --model m.onnx --input photos/ --method grad-cam --metric pointing-game \\",
            "                   --masks boxes.npy"})
final class EvaluateCommand implements Callable<Integer> {

    /** The scored targets: the explained class's probability (as RISE and pytorch-grad-cam's examples) or logit. */
    enum Score { PROBABILITY, LOGIT }

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = {"-i", "--input"}, paramLabel = "PATH",
            description = "An image, a folder of images, or a .npy float32 tensor [N,C,H,W] used as is.")
    Path input;

    @Mixin
    LayerOption layer;

    @Option(names = {"-M", "--method"}, paramLabel = "A,B,...", split = ",",
            description = "Methods to compare (class-activation or pixel-space; default: grad-cam).")
    List<String> methods;

    @Option(names = "--maps", paramLabel = "FILE.npy",
            description = "Maps computed elsewhere, [N,H,W] in [0,1], scored under the name 'maps' instead of "
                    + "--method.")
    Path maps;

    @Option(names = {"-t", "--target"}, paramLabel = "TARGET", defaultValue = "top",
            converter = TargetSpec.Converter.class,
            description = "What to explain, in the forms of explain --target: top (default), a class index N, "
                    + "region[:CLASS[:THRESHOLD|:MASK.png]], element:I[,J...], detection:BOX:CLASS, "
                    + "box:X1,Y1,X2,Y2:LABEL[:IOU] or similar-to:REF.")
    TargetSpec target;

    @Option(names = "--metric", paramLabel = "NAME,...", split = ",",
            defaultValue = "road-combined,confidence-change,deletion,insertion",
            description = "Metrics (default: ${DEFAULT-VALUE}).")
    List<String> metricNames;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "100",
            description = "Deletion / insertion steps: N + 1 inferences per image and method (default: "
                    + "${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--road-noise", paramLabel = "X", defaultValue = "0.01",
            description = "ROAD's imputation noise; 0 is deterministic (default: ${DEFAULT-VALUE}).")
    double roadNoise;

    @Option(names = "--score", paramLabel = "KIND", defaultValue = "probability",
            description = "What perturbed images are scored by, for class targets: probability (default) or logit.")
    String score;

    @Option(names = "--masks", paramLabel = "FILE.npy",
            description = "Object masks [N,H,W] (non-zero inside) for pointing-game, energy-pointing-game and "
                    + "relevance-*.")
    Path masks;

    @Option(names = "--pointing-tolerance", paramLabel = "PIXELS", defaultValue = "0",
            description = "The pointing game's tolerance (Zhang et al. use 15 at 224x224; default: ${DEFAULT-VALUE}).")
    double pointingTolerance;

    @Option(names = "--deletion-baseline", paramLabel = "KIND", defaultValue = "zero",
            description = "What deleted pixels become: zero (default), blur or mean.")
    String deletionBaseline;

    @Option(names = "--insertion-baseline", paramLabel = "KIND", defaultValue = "blur",
            description = "What insertion starts from: blur (default), zero or mean.")
    String insertionBaseline;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10",
            description = "Perturbations per image for infidelity and max-sensitivity (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of ROAD's noise and the perturbations (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16",
            description = "Images explained together, and perturbed inputs per model call (default: "
                    + "${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "evaluation",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    MaskBatchOptions maskBatch;

    @Mixin
    PreprocessingOptions preprocessing;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        common.apply();
        modelOptions.validate(spec);
        modelOptions.startOnnxRuntime();
        List<MetricName> metrics = metrics();
        validate(metrics);
        Score scoreKind = parseScore();
        PerturbationBaseline delBase = baseline(deletionBaseline, "--deletion-baseline");
        PerturbationBaseline insBase = baseline(insertionBaseline, "--insertion-baseline");
        List<String> names = maps != null ? List.of("maps") : methodNames();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        DemoModel demo = modelOptions.demoModel();
        try (DifferentiableModel model = modelOptions.load()) {
            Preprocessing p = preprocessing(demo, model);
            InputSource in = input != null ? InputSources.open(input, p)
                    : ImageInputs.images(List.of("upright", "upside-down"), DemoImages.linePair(), p,
                    "rendered text lines (upright, upside down)");
            if (p.layout() == TensorLayout.NHWC && !(in instanceof NpyInput)) {
                throw new ParameterException(spec.commandLine(), "evaluate needs a channels-first (NCHW) model "
                        + "input; --layout nhwc is not supported by the metrics");
            }
            FloatTensor allMaps = maps == null ? null : Npy.read(maps);
            FloatTensor allMasks = masks == null ? null : Npy.read(masks);
            checkPerImage(allMaps, "--maps", in.size());
            checkPerImage(allMasks, "--masks", in.size());
            if (allMaps != null && !(allMaps.min() >= 0 && allMaps.max() <= 1)) {
                throw new ParameterException(spec.commandLine(), "--maps must hold values in [0, 1], got ["
                        + allMaps.min() + ", " + allMaps.max() + "]; normalise each map first");
            }
            String layerQuery = layer.query(demo);
            ProgressBar bar = new ProgressBar(stderr, "evaluating", "images", in.size(), !common.quiet);
            Scoring scoring = Scoring.of(model).withBatchSize(batchSize).withProgress(bar::detail);
            Map<String, Explainer> explainers = new LinkedHashMap<>();
            Map<String, AttributionMethod> attributions = new LinkedHashMap<>();
            if (allMaps == null) {
                for (String m : names) {
                    if (Methods.family(m) == Methods.Family.PIXEL_SPACE) {
                        attributions.put(m, Methods.attribution(m, model, layerQuery));
                    } else {
                        explainers.put(m, Explainer.of(model, maskBatch.apply(Methods.cam(m))).layer(layerQuery).build());
                    }
                }
            }
            EvaluationReport report = new EvaluationReport(out, names, metrics);
            Overlay overlay = Overlay.defaults();
            int step = in.batchable() ? batchSize : 1;
            for (int from = 0; from < in.size(); from += step) {
                int to = Math.min(in.size(), from + step);
                FloatTensor batch = in.load(from, to);
                FloatTensor clean = scoring.outputs(batch);
                List<Target> explained = Targets.pinTopClass(new TargetPlan(List.of(target), null).targets(model, null, batch, p), clean);
                List<Target> scored = scoredTargets(explained, clean, scoreKind);
                Map<Target, Target> back = new IdentityHashMap<>();
                for (int i = 0; i < scored.size(); i++) {
                    back.put(scored.get(i), explained.get(i));
                }
                Evaluator evaluator = Evaluator.builder(scoring).steps(steps).roadNoise(roadNoise).seed(seed)
                        .baselines(delBase, insBase).samples(samples).pointingTolerance(pointingTolerance)
                        .masks(allMasks == null ? null : Batches.range(allMasks, from, to)).build();
                List<Candidate> candidates = new ArrayList<>();
                if (allMaps != null) {
                    candidates.add(Candidate.ofMaps("maps", Batches.range(allMaps, from, to)));
                }
                explainers.forEach((m, e) -> {
                    MapFunction f = (x, ts) -> e.explain(x, explainedTargets(ts, back)).heatmaps();
                    candidates.add(new Candidate(m, f.maps(batch, scored), f, null, null));
                });
                attributions.forEach((m, a) -> {
                    MapFunction f = (x, ts) -> a.attribute(x, explainedTargets(ts, back)).attributions();
                    FloatTensor attr = f.maps(batch, scored);
                    candidates.add(new Candidate(m, SaliencyMaps.grayscale(attr),
                            (x, ts) -> SaliencyMaps.grayscale(f.maps(x, ts)), attr, f));
                });
                List<Evaluation> evaluations = new ArrayList<>();
                for (String m : names) {
                    Candidate c = candidates.stream().filter(x -> x.name().equals(m)).findFirst().orElseThrow();
                    evaluations.add(evaluator.evaluate(batch, scored, c, metrics));
                }
                for (int i = from; i < to; i++) {
                    FloatTensor image = batch.slice(i - from);
                    BufferedImage backdrop = in.backdrop(i, image);
                    Map<String, BufferedImage> overlays = new LinkedHashMap<>();
                    for (Candidate c : candidates) {
                        overlays.put(c.name(), overlay.apply(backdrop, c.maps().slice(i - from)));
                    }
                    report.add(in.name(i), backdrop, overlays, evaluations, i - from);
                }
                bar.advance(to - from);
            }
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("model", demo != null ? "demo: " + demo.name() : modelOptions.model.toString());
            settings.put("input", in.describe());
            settings.put("backend", model.backendName() + ", " + model.executionProvider());
            settings.put("methods", String.join(", ", names));
            if (allMaps == null) {
                settings.put("layer", layerQuery);
            }
            settings.put("target", target.text());
            settings.put("scored by", target.kind() == TargetSpec.Kind.REGION ? "region target"
                    : scoreKind.name().toLowerCase(Locale.ROOT));
            settings.put("deletion / insertion", steps + " steps, baselines " + delBase.name().toLowerCase(Locale.ROOT)
                    + " / " + insBase.name().toLowerCase(Locale.ROOT));
            settings.put("ROAD noise", roadNoise);
            settings.put("seed", seed);
            Path html = report.finish(settings);
            stdout.printf("evaluated %s with %d metric(s) on %d image(s); wrote %d files to %s (report: %s)%n",
                    String.join(", ", names), metrics.size(), in.size(), report.written().size(),
                    out.toAbsolutePath(), html.getFileName());
            if (!common.quiet) {
                report.notes().forEach(n -> stderr.println("note: " + n));
            }
            stdout.flush();
            stderr.flush();
        }
        return ExitCodes.OK;
    }

    /** Maps the scored targets back to the explained ones (probability -> logit of the same class). */
    private static List<Target> explainedTargets(List<Target> scored, Map<Target, Target> back) {
        return scored.stream().map(t -> back.getOrDefault(t, t)).toList();
    }

    private List<Target> scoredTargets(List<Target> explained, FloatTensor clean, Score kind) {
        if (kind == Score.LOGIT || target.kind() == TargetSpec.Kind.REGION) {
            return explained;
        }
        List<Target> out = new ArrayList<>(explained.size());
        for (int i = 0; i < explained.size(); i++) {
            int c = explained.get(i).classIndex(clean.slice(i)).orElseThrow();
            out.add(Targets.classProbability(c));
        }
        return out;
    }

    private List<MetricName> metrics() {
        List<MetricName> out = new ArrayList<>();
        for (String n : metricNames) {
            try {
                MetricName m = MetricName.parse(n);
                if (!out.contains(m)) {
                    out.add(m);
                }
            } catch (IllegalArgumentException | InvalidArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        return out;
    }

    private void validate(List<MetricName> metrics) {
        if (input == null && !modelOptions.demo) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--input=PATH'");
        }
        if (maps != null && methods != null) {
            throw new ParameterException(spec.commandLine(), "--maps and --method exclude each other: --maps "
                    + "scores maps computed elsewhere under the name 'maps'");
        }
        if (steps < 1) {
            throw new ParameterException(spec.commandLine(), "--steps must be at least 1, got " + steps);
        }
        if (!(roadNoise >= 0) || !Double.isFinite(roadNoise)) {
            throw new ParameterException(spec.commandLine(), "--road-noise must be a finite number >= 0, got "
                    + roadNoise);
        }
        if (batchSize < 1 || samples < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size and --samples must be at least 1");
        }
        maskBatch.validate(spec);
        if (!(pointingTolerance >= 0)) {
            throw new ParameterException(spec.commandLine(), "--pointing-tolerance must be >= 0");
        }
        if (masks == null) {
            for (MetricName m : metrics) {
                if (m.needsMasks()) {
                    throw new ParameterException(spec.commandLine(), "metric " + m + " needs object masks: give "
                            + "--masks FILE.npy ([N,H,W], non-zero inside each object)");
                }
            }
        }
    }

    private List<String> methodNames() {
        List<String> out = new ArrayList<>();
        for (String m : methods == null ? List.of("grad-cam") : methods) {
            String c = Methods.canonical(m);
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    private Score parseScore() {
        try {
            return Score.valueOf(score.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), "unknown --score '" + score
                    + "'; use probability or logit");
        }
    }

    private PerturbationBaseline baseline(String value, String option) {
        try {
            return PerturbationBaseline.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), "unknown " + option + " '" + value
                    + "'; use zero, blur or mean");
        }
    }

    private void checkPerImage(FloatTensor t, String option, int images) {
        if (t != null && (t.shape().rank() != 3 || t.shape().intDim(0) != images)) {
            throw new ParameterException(spec.commandLine(), option + " must be [N, H, W] with N = " + images
                    + " (one per input image), got " + t.shape());
        }
    }

    private Preprocessing preprocessing(DemoModel demo, DifferentiableModel model) {
        if (demo != null) {
            return demo.preprocessing();
        }
        try {
            return preprocessing.build(model.inputs().isEmpty() ? null : model.inputs().get(0));
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
