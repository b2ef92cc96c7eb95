package dev.gradcam.api.saliency;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.time.Duration;
import java.util.List;

/**
 * Guided Grad-CAM (Selvaraju et al. 2017): the guided-backpropagation input gradient multiplied, pixel by pixel and
 * in every channel, by the Grad-CAM heatmap upsampled to the input size, as pytorch-cnn-visualizations'
 * {@code guided_grad_cam}. High-resolution detail from the gradient, class selectivity from the map.
 *
 * <p>Immutable and thread-safe when the model is.
 */
public final class GuidedGradCam implements AttributionMethod {

    private static final String NAME = "guided-grad-cam";

    private final DifferentiableModel model;
    private final Explainer camExplainer;
    private final GradientSaliency guided;

    private GuidedGradCam(DifferentiableModel model, Explainer camExplainer) {
        this.model = model;
        this.camExplainer = camExplainer;
        this.guided = GradientSaliency.of(model, GradientMode.GUIDED);
    }

    /**
     * Grad-CAM at {@code layer} (default post-processing: ReLU, per-image min-max, upsampled to the input) times guided
     * backpropagation.
     *
     * @throws dev.gradcam.api.UnknownLayerException          if the layer matches nothing
     * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend lacks input gradients or guided mode
     */
    public static GuidedGradCam of(DifferentiableModel model, String layer) {
        InvalidArgumentException.requireNonNull(layer, "layer");
        return new GuidedGradCam(model, Explainer.gradCam(model).layer(layer).build());
    }

    /**
     * Any class-activation explainer's heatmaps times guided backpropagation. The explainer must explain
     * {@code model} and give heatmaps at the input's size (the default).
     */
    public static GuidedGradCam of(DifferentiableModel model, Explainer camExplainer) {
        return new GuidedGradCam(model, InvalidArgumentException.requireNonNull(camExplainer, "camExplainer"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DifferentiableModel model() {
        return model;
    }

    @Override
    public Attribution attribute(FloatTensor images, List<Target> targets) {
        int n = Passes.batchOf(images);
        List<Target> ts = Passes.checkTargets(targets, n);
        Shape s = images.shape();
        if (s.rank() != 4) {
            throw new InvalidInputException("Guided Grad-CAM needs images [N, C, H, W], got " + s);
        }
        long t0 = System.nanoTime();
        Explanation cam = camExplainer.explain(images, ts);
        Attribution g = guided.attribute(images, ts);
        FloatTensor heat = cam.heatmaps();
        Shape expected = Shape.of(n, s.intDim(2), s.intDim(3));
        if (!heat.shape().equals(expected)) {
            throw new InvalidInputException("the class-activation heatmaps are " + heat.shape() + " but Guided Grad-CAM"
                    + " needs them at the input size " + expected + "; keep the explainer's upsampling on and its "
                    + "output size unset");
        }
        int plane = s.intDim(2) * s.intDim(3);
        int channels = s.intDim(1);
        float[] out = g.attributions().toArray();
        for (int e = 0; e < out.length; e++) {
            int i = e / (channels * plane);
            out[e] *= heat.getFlat(i * plane + e % plane);
        }
        return g.derive(NAME, FloatTensor.wrapOwned(s, out), List.of())
                .withElapsed(Duration.ofNanos(System.nanoTime() - t0));
    }
}
