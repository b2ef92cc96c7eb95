package dev.gradcam.cli;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Methods;
import dev.gradcam.cli.demo.OcrDemo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gradcam demo}: explains PaddleOCR's text-direction classifier and text detector (embedded, no download) on
 * text rendered at run time, and writes two figures.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the embedded demo: where PaddleOCR's text-direction classifier looks to tell upright "
                + "from upside-down text, and where its text detector sees text.",
            "Writes demo-classifier.png and demo-detector.png."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "out",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = {"-M", "--method"}, paramLabel = "NAME", defaultValue = "grad-cam",
            completionCandidates = MethodHelp.CamCandidates.class,
            description = "A class-activation method, one of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). "
                    + "For pixel-space methods use 'gradcam explain --demo --method NAME'.")
    String method;

    @Option(names = {"-b", "--backend"}, paramLabel = "NAME", description = "onnx or nd4j (default: the best "
            + "available).")
    String backend;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        common.apply();
        String name = Methods.canonical(method);
        if (Methods.family(name) == Methods.Family.PIXEL_SPACE) {
            throw new ParameterException(spec.commandLine(), "the demo draws class-activation maps, and " + name
                    + " is a pixel-space method; try: gradcam explain --demo --method " + name);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        long start = System.nanoTime();
        OcrDemo.Result r = OcrDemo.run(out, name, m -> Explainer.of(m, Methods.cam(name)), backend);
        r.lines().forEach(stdout::println);
        stdout.printf("wrote %s%n", r.classifierFigure().toAbsolutePath());
        stdout.printf("wrote %s%n", r.detectorFigure().toAbsolutePath());
        stdout.printf("done in %.1f s%n", (System.nanoTime() - start) / 1e9);
        stdout.flush();
        return ExitCodes.OK;
    }
}
