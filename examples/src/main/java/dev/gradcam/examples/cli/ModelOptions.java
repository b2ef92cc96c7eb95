package dev.gradcam.examples.cli;

import dev.gradcam.api.Models;
import dev.gradcam.api.spi.DifferentiableModel;
import dev.gradcam.examples.demo.DemoModel;
import dev.gradcam.examples.demo.DemoModels;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Which model to load, and with which backend: {@code --model FILE} or {@code --demo}, {@code --backend NAME}. */
final class ModelOptions {

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "The model file (.onnx).")
    Path model;

    @Option(names = "--demo", description = "Use the embedded demo model (PaddleOCR's text-direction classifier) "
            + "instead of --model; explain then defaults to rendered text images.")
    boolean demo;

    @Option(names = {"-b", "--backend"}, paramLabel = "NAME", description = "onnx or nd4j (default: the best "
            + "available, or -Dgradcam.backend).")
    String backend;

    @Option(names = "--backend-option", paramLabel = "KEY=VALUE", description = "A backend setting; repeatable.")
    Map<String, String> backendOptions = new LinkedHashMap<>();

    /**
     * Checks that exactly one of {@code --model} and {@code --demo} is given.
     *
     * @throws ParameterException otherwise
     */
    void validate(CommandSpec spec) {
        if (model == null && !demo) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--model=FILE' (or --demo "
                    + "for the embedded demo model)");
        }
        if (model != null && demo) {
            throw new ParameterException(spec.commandLine(), "--model and --demo exclude each other; give one");
        }
    }

    /** The demo model, or null when {@code --model} was given. */
    DemoModel demoModel() {
        return demo ? DemoModels.classifier() : null;
    }

    /** The model file to load. */
    Path file() {
        return demo ? DemoModels.classifier().file() : model;
    }

    /**
     * Loads the model; the caller closes it.
     *
     * @throws dev.gradcam.api.ModelLoadException          if the file is missing or unreadable
     * @throws dev.gradcam.api.BackendUnavailableException if no backend can load it
     */
    DifferentiableModel load() {
        return Models.load(file(), backend, backendOptions);
    }
}
