package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.cam.GradientReducer;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A gradient method whose weights come from a {@link GradientReducer} applied to each image's activations and
 * gradients: Grad-CAM, Grad-CAM++, XGrad-CAM, HiResCAM, Grad-CAM element-wise, LayerCAM, or your own reducer.
 * One forward and one backward pass for the whole batch and every layer. Immutable.
 */
public final class ReducerMethod extends ChannelWeightingMethod {

    private final GradientReducer reducer;
    private final GradientReducer pytorchGradCam;

    /**
     * @param name    the kebab-case name
     * @param reducer how weights follow from activations and gradients
     */
    public ReducerMethod(String name, GradientReducer reducer) {
        this(name, reducer, null);
    }

    /** With the reducer pytorch-grad-cam's variant uses, when it differs (null: the same). */
    ReducerMethod(String name, GradientReducer reducer, GradientReducer pytorchGradCam) {
        super(name);
        this.reducer = InvalidArgumentException.requireNonNull(reducer, "reducer");
        this.pytorchGradCam = pytorchGradCam;
    }

    @Override
    public CamMethod compatible(Compatibility compatibility) {
        return compatibility == Compatibility.PYTORCH_GRAD_CAM && pytorchGradCam != null
                ? new ReducerMethod(name(), pytorchGradCam, null) : this;
    }

    /** The reducer. */
    public GradientReducer reducer() {
        return reducer;
    }

    @Override
    public Set<Capability> requiredCapabilities() {
        return Set.of(Capability.LAYER_GRADIENTS);
    }

    @Override
    public boolean needsGradients() {
        return true;
    }

    @Override
    protected List<FloatTensor> weights(CamContext context, LayerInfo layer, FloatTensor activations,
                                        FloatTensor gradients) {
        int n = activations.shape().intDim(0);
        List<FloatTensor> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(reducer.reduce(activations.slice(i), gradients.slice(i)));
        }
        return out;
    }
}
