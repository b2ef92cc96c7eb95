package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Refine-CAM (pytorch-grad-cam's {@code RefineCAM}, arXiv 2605.14641): a base method (Grad-CAM++ by default) at
 * several layers, each layer's map normalised to [0, 1] and upsampled, multiplied together
 * ({@link LayerFusions#product(boolean)}) and normalised. A region survives only where every layer agrees, which
 * denoises the detailed maps of early layers with the coarse maps of deep ones. Give it two or more layers
 * ({@code Explainer.Builder#layers}); with one layer it is the base method. Cost: the base method's at every layer, in
 * one pass. Raw maps, weights and masks per layer are the base method's ({@code Explanation#layerMaps()}). Immutable.
 */
public final class RefineCam extends WrappedCamMethod {

    private final boolean pytorchGradCam;

    RefineCam(CamMethod base, boolean pytorchGradCam) {
        super(base);
        this.pytorchGradCam = pytorchGradCam;
    }

    /** The same fusion over another base method, e.g. {@code CamMethods.gradCam()}. */
    public RefineCam withBase(CamMethod base) {
        return new RefineCam(base, pytorchGradCam);
    }

    @Override
    public String name() {
        return "refine-cam";
    }

    @Override
    public List<Target> targets(List<Target> targets, Supplier<FloatTensor> cleanOutput) {
        return base.targets(targets, cleanOutput);
    }

    @Override
    public List<LayerMaps> explain(CamContext context) {
        InvalidArgumentException.requireNonNull(context, "context");
        return base.explain(context);
    }

    @Override
    public Optional<LayerFusion> fusion() {
        return Optional.of(LayerFusions.product(pytorchGradCam));
    }

    /** pytorch-grad-cam's per-layer heatmaps are min-max scaled again after resizing, before the product. */
    @Override
    public CamMethod compatible(Compatibility compatibility) {
        return new RefineCam(base.compatible(compatibility), compatibility == Compatibility.PYTORCH_GRAD_CAM);
    }

    @Override
    public String settings() {
        return "base=" + base.name() + (base.settings().isEmpty() ? "" : " (" + base.settings() + ")");
    }
}
