package dev.gradcam.cli;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.layer.LayerLayout;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.ValueInfo;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gradcam layers}: the model's inputs, outputs and candidate layers with their op and shape. */
@Command(name = "layers", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Lists the layers of a model that can be explained, with operator and shape.",
        footer = {"", "Examples:", "  gradcam layers --model resnet50.onnx --feature-maps",
            "  gradcam layers --model m.onnx --filter layer4"})
final class LayersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--feature-maps", description = "Only layers holding feature maps (channels first or last, or "
            + "tokens on a grid): the layers CAM methods use.")
    boolean featureMaps;

    @Option(names = "--filter", paramLabel = "TEXT", description = "Only layers whose name, node or op contains TEXT.")
    String filter;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        common.apply();
        modelOptions.validate(spec);
        modelOptions.startOnnxRuntime();
        PrintWriter out = spec.commandLine().getOut();
        try (DifferentiableModel model = modelOptions.load()) {
            out.println("backend: " + model.backendName() + " (" + model.executionProvider() + ")");
            for (ValueInfo v : model.inputs()) {
                out.println("input:  " + v.name() + " " + v.elementType() + " " + v.shape());
            }
            for (ValueInfo v : model.outputs()) {
                out.println("output: " + v.name() + " " + v.elementType() + " " + v.shape());
            }
            String auto = autoLayer(model);
            Map<String, LayerLayout> layouts = new HashMap<>();
            for (LayerInfo l : model.layers()) {
                LayerLayout layout = layout(model, l);
                if (layout != null) {
                    layouts.put(l.name(), layout);
                }
            }
            List<LayerInfo> layers = model.layers().stream().filter(l -> keep(l, layouts.get(l.name()))).toList();
            int nameWidth = Math.max(4, layers.stream().mapToInt(l -> l.name().length()).max().orElse(4));
            int opWidth = Math.max(2, layers.stream().mapToInt(l -> l.op().length()).max().orElse(2));
            String format = "%-5s %-" + nameWidth + "s  %-" + opWidth + "s  %-20s %s%s%n";
            out.println();
            out.printf(format, "#", "name", "op", "shape", "layout", "");
            int i = 0;
            for (LayerInfo l : model.layers()) {
                LayerLayout layout = layouts.get(l.name());
                if (keep(l, layout)) {
                    out.printf(format, i, l.name(), l.op(), l.shape(), layout == null ? "-" : layout.describe(),
                            l.name().equals(auto) ? "   <- auto" : "");
                }
                i++;
            }
            out.printf("%n%d of %d layers shown.%s%n", layers.size(), model.layers().size(),
                    auto == null ? "" : " 'auto' resolves to " + auto + ".");
            if (modelOptions.demo) {
                out.println("The demo explains " + modelOptions.demoModel().layer() + ", the last feature map.");
            }
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** The layer's layout with its grid, or null when it holds no feature maps. */
    private static LayerLayout layout(DifferentiableModel model, LayerInfo l) {
        try {
            LayerLayout layout = model.layoutOf(l);
            return layout == null ? null : layout.complete(l);
        } catch (GradCamException e) {
            return null;
        }
    }

    private boolean keep(LayerInfo l, LayerLayout layout) {
        if (featureMaps && layout == null) {
            return false;
        }
        if (filter == null) {
            return true;
        }
        String f = filter.toLowerCase(Locale.ROOT);
        return l.name().toLowerCase(Locale.ROOT).contains(f) || l.node().toLowerCase(Locale.ROOT).contains(f)
                || l.op().toLowerCase(Locale.ROOT).contains(f);
    }

    private static String autoLayer(DifferentiableModel model) {
        try {
            return model.resolveLayer("auto").name();
        } catch (GradCamException e) {
            return null;
        }
    }
}
