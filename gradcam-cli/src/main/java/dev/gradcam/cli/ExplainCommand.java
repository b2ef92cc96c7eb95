package dev.gradcam.cli;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.Methods;
import dev.gradcam.api.Size;
import dev.gradcam.api.image.Colormaps;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.image.TensorLayout;
import dev.gradcam.api.layer.LayerLayout;
import dev.gradcam.api.method.AttentionRollout;
import dev.gradcam.api.method.AugSmoothing;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.method.Compatibility;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.saliency.Attribution;
import dev.gradcam.api.saliency.AttributionMethod;
import dev.gradcam.api.saliency.IntegratedGradients;
import dev.gradcam.api.saliency.SmoothGrad;
import dev.gradcam.api.spi.LrpModes;
import dev.gradcam.api.target.DetectionLayout;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.cli.demo.DemoImages;
import dev.gradcam.cli.demo.DemoModel;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code gradcam explain}: heatmaps for images, a folder or a tensor, written as PNG, {@code .npy} and JSON. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Explains a model's decision on images with a class-activation or a pixel-space method.",
            "Class activation: writes NAME.overlay.png and NAME.heatmap.png per image, raw.npy (signed maps at layer "
                + "resolution, [N,h,w]), heatmap.npy (normalised maps at input resolution, [N,H,W]) and summary.json.",
            "Pixel space: writes NAME.color.png, NAME.grayscale.png, NAME.positive.png and NAME.negative.png per "
                + "image, attribution.npy (raw attributions, [N,C,H,W]), heatmap.npy (grayscale maps in [0,1], "
                + "[N,H,W]) and summary.json."},
        footer = {"", "Examples:",
            "  gradcam explain --model resnet50.onnx --input cat.jpg --layer layer4",
            "  gradcam explain --model m.onnx --input photos/ --selector positive \\",
            "                  --method grad-cam-plus-plus --out results/",
            "  gradcam explain --model m.onnx --input batch.npy --target 281",
            "  gradcam explain --model yolo.onnx --input street.jpg --layer neck \\",
            "                  --target box:48,26,73,43:3 --target box:45,35,53,59:1",
            "  gradcam explain --model yolo.onnx --input street.jpg --target detection:17:3",
            "  gradcam explain --model seg.onnx --input cat.jpg --output out --target region:8",
            "  gradcam explain --model m.onnx --input cat.jpg --method guided-backprop",
            "  gradcam explain --model m.onnx --input photos/ --method integrated-gradients \\",
            "                  --steps 64 --target 281",
            "  gradcam explain --model m.onnx --input cat.jpg --method smooth-grad \\",
            "                  --samples 25 --noise 0.1",
            "  gradcam explain --demo --method hires-cam"})
final class ExplainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = {"-i", "--input"}, paramLabel = "[NAME=]PATH",
            description = "An image, a folder of images, or a .npy float32 tensor [N,C,H,W] (or [C,H,W]) used as is "
                    + "(no preprocessing). Models with several inputs: NAME=PATH for each, repeated. With --demo: "
                    + "default rendered text lines.")
    List<String> input = new ArrayList<>();

    @Option(names = "--attribute", paramLabel = "NAME",
            description = "Models with several inputs: the input to explain (default: the first), the others held "
                    + "fixed; or all, each in turn, results in OUT/NAME/.")
    String attribute;

    @Mixin
    LayerOption layer;

    @Option(names = "--layer-layout", paramLabel = "LAYOUT", defaultValue = "auto",
            description = "How the layer holds feature maps: auto (default: detected from the graph), nchw, nhwc "
                    + "(channels last, e.g. Swin, ConvNeXt blocks) or tokens[:K] ([N, K + h*w, C] with K leading "
                    + "tokens, default 1: ViT's class token; tokens:2 for DeiT). Maps come out [N, h, w].")
    String layerLayout;

    @Option(names = "--head-fusion", paramLabel = "KIND", defaultValue = "mean",
            description = "attention-rollout: how attention heads combine per layer, mean (default), max or min.")
    String headFusion;

    @Option(names = "--discard-ratio", paramLabel = "R", defaultValue = "0",
            description = "attention-rollout: the fraction of each layer's smallest attention entries set to 0, "
                    + "0 <= R < 1 (default: ${DEFAULT-VALUE}; vit-explain uses 0.9).")
    double discardRatio;

    @Option(names = {"-M", "--method"}, paramLabel = "NAME", defaultValue = "grad-cam",
            completionCandidates = MethodHelp.Candidates.class,
            description = "A class-activation or pixel-space method, see Methods below (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = {"-t", "--target"}, paramLabel = "TARGET", defaultValue = "top",
            converter = TargetSpec.Converter.class,
            description = {"What to explain: top (default), a class index N, softmax[:N] (probability), rest[:N] "
                    + "(logit minus cross-entropy, ShapleyCAM's ReST), raw-scores (sum of the output); without N: "
                    + "each image's top class;",
                "region[:CLASS[:THRESHOLD|:MASK.png]] for segmentation and other spatial outputs: the pixels "
                    + "predicted as CLASS, those above THRESHOLD (single-channel maps: 0.3 by default), or a mask's "
                    + "white pixels;",
                "element:I[,J...] (one element of each image's output, e.g. element:1234,7);",
                "detection:BOX:CLASS (class CLASS at candidate box BOX of a raw detection output);",
                "box:X1,Y1,X2,Y2:LABEL[:IOU] (pytorch-grad-cam's FasterRCNNBoxScoreTarget, IoU threshold 0.5 by "
                    + "default; repeat for several boxes);",
                "similar-to:REF.png|REF.npy (cosine similarity of the output embedding with the reference's)."})
    List<TargetSpec> target;

    @Option(names = "--overwrite", description = "Reuse a non-empty --out folder: first remove the files its "
            + "summary.json lists (the previous run's), then write. Without it a non-empty folder is refused.")
    boolean overwrite;

    @Option(names = "--detections", paramLabel = "LAYOUT", defaultValue = "auto",
            description = "How detection and box targets read the output: yolov5 ([N, boxes, 5 + classes]), "
                    + "yolov8 ([N, 4 + classes, boxes]), xyxy-score-class ([N, boxes, 6] after NMS) or auto "
                    + "(default: yolov8 when the output has fewer rows than columns, else yolov5).")
    String detections;

    @Option(names = {"-s", "--selector"}, paramLabel = "SELECTOR", defaultValue = "all",
            converter = SelectorConverter.class,
            description = "Which feature maps count: all (default), positive, negative, near-zero:EPS, window:LO:HI, "
                    + "top-k:K[:RANKING], top-fraction:F[:RANKING].")
    SelectorSpec selector;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "out",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--output", paramLabel = "NAME",
            description = "The tensor to explain: a model output (default: the first) or any tensor of the graph by "
                    + "tensor name, node name or module path, e.g. a detector's head before NMS.")
    String output;

    @Option(names = "--activation", paramLabel = "KIND", defaultValue = "relu",
            description = "relu (default), signed or abs: what is kept of the signed map.")
    String activation;

    @Option(names = "--colormap", paramLabel = "NAME", defaultValue = "jet",
            description = "jet (default), turbo, viridis, inferno or gray.")
    String colormap;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.5",
            description = "Heatmap weight in overlays, 0..1 (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--compat", paramLabel = "NAME", defaultValue = "gradcam",
            description = "Whose semantics class-activation methods follow: gradcam (default: the papers) or "
                    + "pytorch-grad-cam (its master exactly: Grad-CAM++ eps, Score-CAM channel softmax and "
                    + "align-corners masks, Ablation-CAM's ablation value, its normalisation order; "
                    + "see docs/methods.md).")
    String compat;

    @Option(names = "--aug-smooth", description = "Average over test-time augmentations: horizontal flip x pixel "
            + "multipliers 0.9, 1, 1.1 (pytorch-grad-cam's aug_smooth; six explanations per image).")
    boolean augSmooth;

    @Option(names = "--eigen-smooth", description = "Maps as the first principal component of the weighted feature "
            + "maps (pytorch-grad-cam's eigen_smooth).")
    boolean eigenSmooth;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "8",
            description = "Images per model call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--workers", paramLabel = "N",
            description = "Batches explained at once, written in input order (default: 2 with ONNX Runtime on a "
                    + "CPU with two or more cores and an input of more than one batch, each pass on the cores the "
                    + "other leaves; else 1).")
    Integer workers;

    /** The workers the model was loaded for ({@link #planWorkers}): the input is counted once. */
    private int plannedWorkers = 1;

    /** The first image, decoded while the model loads (one input only). */
    private ReadAhead readAhead = ReadAhead.NONE;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "" + IntegratedGradients.DEFAULT_STEPS,
            description = "integrated-gradients: gradient evaluations per image, at least 1 (default: "
                    + "${DEFAULT-VALUE}); more steps shrink the completeness error.")
    int steps;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "" + SmoothGrad.DEFAULT_SAMPLES,
            description = "smooth-grad: noisy copies per image, at least 1 (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--noise", paramLabel = "LEVEL", defaultValue = "" + SmoothGrad.DEFAULT_NOISE_LEVEL,
            description = "smooth-grad: Gaussian noise as a fraction of each image's value range, >= 0 (default: "
                    + "${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "smooth-grad: the noise seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epsilon", paramLabel = "E", defaultValue = "" + LrpModes.DEFAULT_EPSILON,
            description = "lrp-epsilon: the stabiliser epsilon, >= 0 (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Mixin
    MaskBatchOptions maskBatch;

    @Mixin
    PreprocessingOptions preprocessing;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        common.apply();
        long start = System.nanoTime();
        modelOptions.validate(spec);
        modelOptions.startOnnxRuntime();
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
        }
        maskBatch.validate(spec);
        if (workers != null && workers < 1) {
            throw new ParameterException(spec.commandLine(), "--workers must be at least 1, got " + workers);
        }
        if (input.isEmpty() && !modelOptions.demo) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--input=PATH'");
        }
        try {
            OutputFolder.prepare(out, overwrite);
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path first = firstInput();
        if (input.size() == 1 && first != null) {
            readAhead = ReadAhead.start(first);
        }
        Overlay overlay = overlay();
        MapActivation act = activation();
        TargetPlan plan = targetPlan();
        String methodName = Methods.canonical(method);
        if (Methods.family(methodName) == Methods.Family.PIXEL_SPACE) {
            return attribute(methodName, settings(), plan, start);
        }
        warnIgnored(List.of("--steps", "--samples", "--noise", "--seed", "--epsilon"),
                "by class-activation methods such as " + methodName);
        if (!methodName.equals("score-cam")) {
            warnIgnored(MaskBatchOptions.NAMES, "by " + methodName + " (score-cam only)");
        }
        return explain(methodName, overlay, act, compatibility(), plan, start);
    }

    /** The targets from {@code --target} and {@code --detections}. */
    private TargetPlan targetPlan() {
        try {
            DetectionLayout layout = detections.strip().equalsIgnoreCase("auto") ? null
                    : DetectionLayout.named(detections);
            return new TargetPlan(target, layout);
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** One attributed input of a run: its name and path, the other inputs' paths, and where its results go. */
    private record Attributed(String name, Path path, Map<String, Path> others, Path out) {
    }

    /**
     * The inputs to attribute to, from {@code --input} and {@code --attribute}: one for single-input models, the
     * chosen one (default: the first) or each in turn ({@code all}, results in OUT/NAME/) for models with several.
     */
    private List<Attributed> attributed(DifferentiableModel model, DemoModel demo) {
        String first = model.inputs().get(0).name();
        if (demo != null) {
            return List.of(new Attributed(first, null, Map.of(), out));
        }
        Map<String, Path> paths;
        try {
            paths = new InputPlan(input).paths(model);
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        List<String> names = new ArrayList<>(paths.keySet());
        if (attribute != null && !attribute.equals("all") && !names.contains(attribute)) {
            throw new ParameterException(spec.commandLine(), "--attribute " + attribute + " is not an input of the "
                    + "model; its inputs are " + names + " (or use all)");
        }
        List<String> chosen = attribute == null ? List.of(first) : attribute.equals("all") ? names
                : List.of(attribute);
        List<Attributed> out = new ArrayList<>();
        for (String name : chosen) {
            Map<String, Path> others = new LinkedHashMap<>(paths);
            others.remove(name);
            out.add(new Attributed(name, paths.get(name), others, chosen.size() > 1
                    ? this.out.resolve(OutputNames.unique(List.of(name)).get(0)) : this.out));
        }
        return out;
    }

    /** A class-activation method: maps at a layer. */
    private int explain(String methodName, Overlay overlay, MapActivation act, Compatibility compatibility,
                        TargetPlan plan, long start) {
        DemoModel demo = modelOptions.demoModel();
        try (DifferentiableModel model = modelOptions.load(planWorkers())) {
            for (Attributed a : attributed(model, demo)) {
                explain(model, demo, a, methodName, overlay, act, compatibility, plan, start);
            }
        }
        return ExitCodes.OK;
    }

    private void explain(DifferentiableModel model, DemoModel demo, Attributed a, String methodName, Overlay overlay,
                         MapActivation act, Compatibility compatibility, TargetPlan plan, long start) {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Preprocessing p = preprocessing(demo, model, a.name());
        String layerQuery = layer.query(demo);
        InputSource in = open(p, a.path());
        Map<String, FloatTensor> fixed = InputPlan.fixed(a.others(), a.name(), in.size(),
                n -> preprocessing(demo, model, n));
        Size outputSize = null;
        if (p.layout() == TensorLayout.NHWC && !(in instanceof NpyInput)) {
            FloatTensor first = in.load(0, 1);
            outputSize = Size.ofTensorDims(first.shape().dim(1), first.shape().dim(2));
        }
        ProgressBar bar = new ProgressBar(stderr, "explaining", "images", in.size(), !common.quiet);
        Size size = outputSize;
        Function<DifferentiableModel, Explainer> make = m -> {
            Explainer.Builder b = Explainer.of(m, maskBatch.apply(Methods.cam(methodName)))
                    .layer(layerQuery)
                    .selector(selector.selector())
                    .activation(act)
                    .compatibility(compatibility)
                    .eigenSmooth(eigenSmooth)
                    .augSmoothing(augSmooth ? AugSmoothing.pytorchGradCam() : null)
                    .layerLayout(parsedLayout());
            if (CamMethods.byName(methodName) instanceof AttentionRollout rollout) {
                b.method(rollout(rollout));
            }
            if (output != null) {
                b.output(output);
            }
            if (size != null) {
                b.outputSize(size);
            }
            return b.progress(bar::detail).build();
        };
        int step = step(model, in);
        Explainer explainer = make.apply(InputPlan.view(model, a.name(), fixed, 0, Math.min(step, in.size())));

        Map<String, Object> header = new LinkedHashMap<>();
        header.put("family", "class-activation");
        putSource(header, demo, in, p);
        putInputs(header, a);
        LayerLayout used = explainer.layers().isEmpty() ? null : explainer.layout(explainer.layer());
        header.put("layerLayout", used == null ? layerLayout : used.describe());
        header.put("selector", selector.text());
        header.put("targetSpec", plan.text());
        header.put("activation", act.name().toLowerCase(Locale.ROOT));
        header.put("compatibility", compatibility.cliName());
        header.put("augSmooth", augSmooth);
        header.put("eigenSmooth", eigenSmooth);
        header.put("workers", workers(model));
        Path summary;
        int written;
        List<String> diagnostics;
        try (ResultWriter writer = new ResultWriter(a.out(), overlay)) {
            summary = BatchPipeline.run(in, step, true, workers(model), writer, a.out(), header, start, bar, l -> {
                DifferentiableModel m = InputPlan.view(model, a.name(), fixed, l.from(), l.to());
                List<Target> targets = plan.targets(m, output, l.batch(), p);
                Explanation e = (fixed.isEmpty() ? explainer : make.apply(m)).explain(l.batch(), targets);
                List<String> names = names(in, l.from(), l.to());
                return () -> writer.add(names, l.backdrops(), e);
            });
            written = writer.written().size();
            diagnostics = writer.diagnostics();
        }
        stdout.printf("%s at %s (%s) on %s, %s: %s%n", explainer.method(), explainer.layer().name(),
                explainer.layer().op(), model.backendName(), model.executionProvider(), images(in.size()));
        reportWritten(a.out(), written, summary, diagnostics);
    }

    /** A pixel-space method: attributions at the input. */
    private int attribute(String methodName, PixelFlags settings, TargetPlan plan, long start) {
        warnIgnored(List.of("--selector", "--activation", "--colormap", "--alpha", "--compat", "--aug-smooth",
                "--eigen-smooth", "--mask-batch", "--mask-memory"),
                "by pixel-space methods");
        if (!Methods.needsLayer(methodName)) {
            warnIgnored(List.of("--layer"), "by " + methodName + ", which attributes at the input");
        }
        if (!methodName.equals("integrated-gradients")) {
            warnIgnored(List.of("--steps"), "by " + methodName + " (integrated-gradients only)");
        }
        if (!methodName.equals("smooth-grad")) {
            warnIgnored(List.of("--samples", "--noise", "--seed"), "by " + methodName + " (smooth-grad only)");
        }
        if (!methodName.equals("lrp-epsilon")) {
            warnIgnored(List.of("--epsilon"), "by " + methodName + " (lrp-epsilon only)");
        }
        DemoModel demo = modelOptions.demoModel();
        try (DifferentiableModel model = modelOptions.load(planWorkers())) {
            for (Attributed a : attributed(model, demo)) {
                attribute(model, demo, a, methodName, settings, plan, start);
            }
        }
        return ExitCodes.OK;
    }

    private void attribute(DifferentiableModel model, DemoModel demo, Attributed a, String methodName,
                           PixelFlags settings, TargetPlan plan, long start) {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Preprocessing p = preprocessing(demo, model, a.name());
        String layerQuery = layer.query(demo);
        InputSource in = open(p, a.path());
        Map<String, FloatTensor> fixed = InputPlan.fixed(a.others(), a.name(), in.size(),
                n -> preprocessing(demo, model, n));
        Function<DifferentiableModel, AttributionMethod> make = m -> {
            try {
                return settings.method(methodName, m, layerQuery, output);
            } catch (IllegalArgumentException | InvalidArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        };
        int step = step(model, in);
        AttributionMethod method = make.apply(InputPlan.view(model, a.name(), fixed, 0, Math.min(step, in.size())));
        boolean nhwc = p.layout() == TensorLayout.NHWC && !(in instanceof NpyInput);
        ProgressBar bar = new ProgressBar(stderr, "attributing", "images", in.size(), !common.quiet);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("method", methodName);
        header.put("family", "pixel-space");
        header.put("settings", settingsSummary(methodName, settings, model, layerQuery));
        putSource(header, demo, in, p);
        putInputs(header, a);
        header.put("layout", nhwc ? "NHWC input, attribution.npy transposed to [N, C, H, W]" : "NCHW");
        header.put("targetSpec", plan.text());
        header.put("workers", workers(model));
        Path summary;
        int written;
        List<String> diagnostics;
        double worst;
        try (AttributionWriter writer = new AttributionWriter(a.out())) {
            summary = BatchPipeline.run(in, step, false, workers(model), writer, a.out(), header, start, bar, l -> {
                DifferentiableModel m = InputPlan.view(model, a.name(), fixed, l.from(), l.to());
                List<Target> targets = plan.targets(m, output, l.batch(), p);
                Attribution attribution = (fixed.isEmpty() ? method : make.apply(m)).attribute(l.batch(), targets);
                FloatTensor channelsFirst = nhwc ? AttributionWriter.toChannelsFirst(attribution.attributions())
                        : attribution.attributions();
                List<String> names = names(in, l.from(), l.to());
                return () -> writer.add(names, attribution, channelsFirst);
            });
            written = writer.written().size();
            diagnostics = writer.diagnostics();
            worst = writer.maxCompletenessError();
        }

        stdout.printf("%s on %s, %s: %s%n", methodName, model.backendName(), model.executionProvider(),
                images(in.size()));
        if (!Double.isNaN(worst)) {
            stdout.printf(Locale.ROOT, methodName.startsWith("lrp-")
                    ? "conservation: input relevance misses the output relevance by at most %.3g%%%n"
                    : "completeness: attributions miss f(input) - f(baseline) by at most %.3g%% (more --steps "
                    + "shrink it)%n", 100 * worst);
        }
        reportWritten(a.out(), written, summary, diagnostics);
    }

    /**
     * Images per pass: {@code --batch-size}, or the model's batch size where its input fixes one (many exports fix
     * it to 1), so that a folder of any size runs on a fixed-batch model (the backend pads a last, smaller part).
     */
    private int step(DifferentiableModel model, InputSource in) {
        if (!in.batchable()) {
            return 1;
        }
        long fixed = model.inputs().isEmpty() || model.inputs().get(0).shape().rank() == 0 ? -1
                : model.inputs().get(0).shape().dim(0);
        if (fixed > 0 && fixed != batchSize) {
            if (batchSizeGiven()) {
                warn("--batch-size " + batchSize + " does not fit the model's fixed batch of " + fixed + "; using "
                        + fixed);
            }
            return (int) fixed;
        }
        return batchSize;
    }

    /**
     * The workers the model is loaded for, before its execution provider is known: {@code --workers}, else 2 where
     * the ONNX backend may run on two or more CPU cores and the input holds more than one batch (ND4J runs every op
     * on all cores already; one batch alone is faster on all the cores).
     */
    private int planWorkers() {
        boolean onnx = modelOptions.backend == null || modelOptions.backend.equalsIgnoreCase("onnx");
        plannedWorkers = workers != null ? workers
                : onnx && Runtime.getRuntime().availableProcessors() >= 2 && inputImages() > batchSize ? 2 : 1;
        return plannedWorkers;
    }

    /** The images the explained input holds, counted before the model is loaded (1 for the demo). */
    private int inputImages() {
        Path path = firstInput();
        return path == null ? 1 : InputSources.count(path);
    }

    /** The path of the first {@code --input}, before the model is loaded; null for the demo. */
    private Path firstInput() {
        if (modelOptions.demo || input.isEmpty()) {
            return null;
        }
        String first = input.get(0);
        int eq = first.indexOf('=');
        // NAME=PATH, unless the whole text is a path that exists (a file name may hold '=')
        return eq > 0 && !Files.exists(Path.of(first)) ? Path.of(first.substring(eq + 1)) : Path.of(first);
    }

    /**
     * The workers for a model loaded with {@link #planWorkers}: the planned ones, except 1 by default on a GPU (not
     * measured there).
     */
    private int workers(DifferentiableModel model) {
        if (workers != null) {
            return workers;
        }
        return model.backendName().equals("onnx") && model.executionProvider().equals("CPU") ? plannedWorkers : 1;
    }

    private boolean batchSizeGiven() {
        return spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--batch-size");
    }

    private void warn(String message) {
        if (!common.quiet) {
            spec.commandLine().getErr().println("warning: " + message);
        }
    }

    /** For models with several inputs: which one the results attribute to, and the fixed others. */
    private static void putInputs(Map<String, Object> header, Attributed a) {
        if (!a.others().isEmpty()) {
            header.put("attributedInput", a.name());
            Map<String, Object> fixed = new LinkedHashMap<>();
            a.others().forEach((k, v) -> fixed.put(k, v.toString()));
            header.put("fixedInputs", fixed);
        }
    }

    private InputSource open(Preprocessing p, Path path) {
        return path != null ? InputSources.open(path, p, readAhead)
                : ImageInputs.images(List.of("upright", "upside-down"), DemoImages.linePair(), p,
                "rendered text lines (upright, upside down)");
    }

    /** The pixel-space settings from the options, validated. */
    private PixelFlags settings() {
        if (steps < 1) {
            throw new ParameterException(spec.commandLine(), "--steps must be at least 1, got " + steps);
        }
        if (samples < 1) {
            throw new ParameterException(spec.commandLine(), "--samples must be at least 1, got " + samples);
        }
        if (!(noise >= 0) || !Double.isFinite(noise)) {
            throw new ParameterException(spec.commandLine(), "--noise must be a finite number >= 0 (a fraction of "
                    + "the image's value range, e.g. 0.15), got " + noise);
        }
        if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
            throw new ParameterException(spec.commandLine(), "--epsilon must be a finite number >= 0, got "
                    + epsilon);
        }
        return new PixelFlags(steps, samples, noise, seed, epsilon);
    }

    /** The settings the method reads, for the summary. */
    private static Map<String, Object> settingsSummary(String methodName, PixelFlags s,
                                                       DifferentiableModel model, String layerQuery) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (methodName) {
            case "integrated-gradients" -> {
                m.put("steps", s.steps());
                m.put("quadrature", "gauss-legendre");
                m.put("baseline", "zero");
            }
            case "smooth-grad" -> {
                m.put("samples", s.samples());
                m.put("noiseLevel", s.noiseLevel());
                m.put("seed", s.seed());
                m.put("over", "vanilla-gradient");
            }
            case "lrp-epsilon" -> m.put("epsilon", s.epsilon());
            case "guided-grad-cam" -> m.put("layer", model.resolveLayer(layerQuery).name());
            default -> {
            }
        }
        return m;
    }

    /** Warns (unless quiet) about options given on the command line that the chosen method does not read. */
    private void warnIgnored(List<String> options, String why) {
        if (common.quiet || spec.commandLine().getParseResult() == null) {
            return;
        }
        PrintWriter stderr = spec.commandLine().getErr();
        for (String o : options) {
            if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                stderr.println("warning: " + o + " is ignored " + why);
            }
        }
        stderr.flush();
    }

    /** The input's names for images {@code from} (inclusive) to {@code to} (exclusive). */
    private static List<String> names(InputSource in, int from, int to) {
        List<String> names = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            names.add(in.name(i));
        }
        return names;
    }

    /** "1 image", "3 images". */
    private static String images(int n) {
        return n + " image" + (n == 1 ? "" : "s");
    }

    /** The summary's model, input and preprocessing entries, shared by both families. */
    private void putSource(Map<String, Object> header, DemoModel demo, InputSource in, Preprocessing p) {
        header.put("model", demo != null ? "demo: " + demo.name() : modelOptions.model.toString());
        header.put("input", in.describe());
        header.put("preprocessing", in instanceof NpyInput ? "none (.npy used as is)" : p.toString());
    }

    /** Prints where the files went and (unless quiet) the run's diagnostics as warnings. */
    private void reportWritten(Path out, int files, Path summary, List<String> diagnostics) {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        stdout.printf("wrote %d files to %s (summary: %s)%n", files, out.toAbsolutePath(), summary.getFileName());
        if (!common.quiet) {
            for (String d : diagnostics) {
                stderr.println("warning: " + d);
            }
        }
        stdout.flush();
        stderr.flush();
    }

    /** The rollout with {@code --head-fusion} and {@code --discard-ratio}; bad values are usage errors (exit 2). */
    private AttentionRollout rollout(AttentionRollout base) {
        AttentionRollout.HeadFusion fusion;
        try {
            fusion = AttentionRollout.HeadFusion.valueOf(headFusion.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--head-fusion: use mean, max or min, not '" + headFusion
                    + "'");
        }
        try {
            return base.withHeadFusion(fusion).withDiscardRatio(discardRatio);
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--discard-ratio: " + e.getMessage());
        }
    }

    /** {@code --layer-layout}, null for auto; a bad value is a usage error (exit 2). */
    private LayerLayout parsedLayout() {
        try {
            return LayerLayout.parse(layerLayout);
        } catch (InvalidInputException e) {
            throw new ParameterException(spec.commandLine(), "--layer-layout: " + e.getMessage());
        }
    }

    /** The demo model's preprocessing, or the one the options describe for {@code model}'s input {@code name}. */
    private Preprocessing preprocessing(DemoModel demo, DifferentiableModel model, String name) {
        if (demo != null) {
            return demo.preprocessing();
        }
        try {
            return preprocessing.build(model.inputs().stream().filter(v -> v.name().equals(name)).findFirst()
                    .orElse(null));
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Overlay overlay() {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new ParameterException(spec.commandLine(), "--alpha must be in [0, 1], got " + alpha);
        }
        try {
            return Overlay.defaults().withColormap(Colormaps.named(colormap)).withAlpha(alpha);
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Compatibility compatibility() {
        try {
            return Compatibility.parse(compat);
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--compat: " + e.getMessage());
        }
    }

    private MapActivation activation() {
        return switch (activation.toLowerCase(Locale.ROOT)) {
            case "relu" -> MapActivation.RELU;
            case "signed" -> MapActivation.SIGNED;
            case "abs" -> MapActivation.ABS;
            default -> throw new ParameterException(spec.commandLine(), "unknown --activation '" + activation
                    + "'; use relu, signed or abs");
        };
    }

    /** Parses {@code --selector}. */
    static final class SelectorConverter implements ITypeConverter<SelectorSpec> {
        @Override
        public SelectorSpec convert(String value) {
            try {
                return SelectorSpec.parse(value);
            } catch (IllegalArgumentException | InvalidArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
