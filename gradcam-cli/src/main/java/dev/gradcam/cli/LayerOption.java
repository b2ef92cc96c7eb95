package dev.gradcam.cli;

import dev.gradcam.cli.demo.DemoModel;
import picocli.CommandLine.Option;

/** {@code --layer}, as explain and evaluate read it. */
final class LayerOption {

    @Option(names = {"-l", "--layer"}, paramLabel = "LAYER", defaultValue = "auto",
            description = "Tensor name, node name, module path (layer4, features.29) or auto (default: "
                    + "${DEFAULT-VALUE}; with --demo the classifier's last feature map). See 'gradcam layers'. "
                    + "Class-activation methods and guided-grad-cam only.")
    String layer;

    /** The layer asked for; with {@code --demo} and {@code auto}, the demo model's layer. */
    String query(DemoModel demo) {
        return demo != null && layer.equals("auto") ? demo.layer() : layer;
    }
}
