package dev.gradcam.api.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.Size;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.post.PostProcessing;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Multi-layer CAM: one map per layer, fused (pytorch-grad-cam's aggregate_multi_layers; LayerCAM Eq. 9). */
class MultiLayerTest {

    private final InMemoryCnn model = InMemoryCnn.random(31, 2, 5, 3, 6, 6);
    private final FloatTensor x = model.randomInput(4, 2);

    private Explanation single(CamMethod m, String layer) {
        return Explainer.of(model, m).layer(layer).outputSize(Size.square(12)).build().explain(x);
    }

    @Test
    void meanFusionIsTheMeanOfTheScaledLayerMapsRescaled() {
        Explanation fused = Explainer.of(model, CamMethods.layerCam()).layers("conv", "relu").outputSize(Size.square(12))
                .build().explain(x);
        // Each single-layer heatmap already is ReLU -> min-max -> upsample, the per-layer step of the fusion.
        float[] a = single(CamMethods.layerCam(), "conv").heatmaps().toArray();
        float[] b = single(CamMethods.layerCam(), "relu").heatmaps().toArray();
        float[] mean = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            mean[i] = (a[i] + b[i]) / 2;
        }
        FloatTensor expected = Normalizations.perImageMinMax().apply(FloatTensor.of(fused.heatmaps().shape(), mean));
        assertArrayEquals(expected.toArray(), fused.heatmaps().toArray(), 1e-5f);
        assertEquals(2, fused.layerMaps().size());
        assertEquals(InMemoryCnn.CONV, fused.layerMaps().get(0).layer().name());
        assertEquals(InMemoryCnn.RELU, fused.layerMaps().get(1).layer().name());
        assertEquals(single(CamMethods.layerCam(), "relu").rawMaps(), fused.layerMaps().get(1).rawMaps());
        assertEquals(InMemoryCnn.CONV + "," + InMemoryCnn.RELU, fused.provenance().layer());
    }

    @Test
    void layerCamFusionIsTheMaximumOfTanhScaledMaps() {
        Explanation fused = Explainer.of(model, CamMethods.layerCam()).layers("conv", "relu")
                .fusion(LayerFusions.layerCam()).normalization(Normalizations.none()).outputSize(Size.square(6)).build()
                .explain(x);
        float[] expected = null;
        for (String layer : List.of("conv", "relu")) {
            // tanh(2 M / max M) per image, at 6x6 (the layers' own size, so the resize is the identity).
            FloatTensor raw = single(CamMethods.layerCam(), layer).rawMaps();
            float[] m = raw.toArray();
            for (int i = 0; i < 2; i++) {
                float max = 0;
                for (int j = i * 36; j < (i + 1) * 36; j++) {
                    m[j] = Math.max(m[j], 0);
                    max = Math.max(max, m[j]);
                }
                for (int j = i * 36; j < (i + 1) * 36; j++) {
                    m[j] = (float) Math.tanh(2 * m[j] / max);
                }
            }
            if (expected == null) {
                expected = m;
            } else {
                for (int j = 0; j < m.length; j++) {
                    expected[j] = Math.max(expected[j], m[j]);
                }
            }
        }
        assertArrayEquals(expected, fused.heatmaps().toArray(), 1e-5f);
    }

    @Test
    void withoutUpsamplingLayersFuseAtTheFirstLayersResolution() {
        Explanation fused = Explainer.of(model, CamMethods.gradCam()).layers("relu", "conv")
                .postProcessing(new PostProcessing(MapActivation.RELU, Normalizations.perImageMinMax(), false))
                .fusion(LayerFusions.max()).build().explain(x);
        assertEquals(dev.gradcam.api.tensor.Shape.of(2, 6, 6), fused.heatmaps().shape());
    }
}
