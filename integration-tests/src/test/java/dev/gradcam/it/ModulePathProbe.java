package dev.gradcam.it;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.Models;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.tensor.FloatTensor;
import java.nio.file.Path;

/**
 * Run by {@link ModulePathTest} in a JVM where gradcam-api, gradcam-onnx-model and gradcam-onnx are named modules on
 * the module path and this class is on the class path, as in an application that has not been modularised: finds the
 * backend through the modules' uses/provides, explains one batch, and prints what the test checks.
 */
public final class ModulePathProbe {

    private ModulePathProbe() {
    }

    /** {@code args}: the model file and its input .npy. */
    public static void main(String[] args) {
        FloatTensor input = Npy.read(Path.of(args[1]));
        try (DifferentiableModel model = Models.load(Path.of(args[0]))) {
            Explanation e = Explainer.gradCam(model).layer("layer2").build().explain(input);
            Module api = DifferentiableModel.class.getModule();
            Module onnx = model.getClass().getModule();
            System.out.println("api module: " + api.getName());
            System.out.println("backend module: " + onnx.getName());
            System.out.println("internal exported: " + api.isExported("dev.gradcam.api.internal"));
            System.out.println("grad exported: " + onnx.isExported("dev.gradcam.onnx.grad"));
            System.out.println("heatmaps: " + e.heatmaps().shape() + " max " + e.heatmaps().max());
        }
    }
}
