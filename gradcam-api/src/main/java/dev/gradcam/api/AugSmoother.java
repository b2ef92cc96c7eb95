package dev.gradcam.api;

import dev.gradcam.api.method.AugSmoothing;
import dev.gradcam.api.method.Augmentation;
import dev.gradcam.api.method.Compatibility;
import dev.gradcam.api.method.LayerMaps;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one explanation per augmentation and averages the maps mapped back onto the original images, each pixel over
 * the augmentations that saw it (pytorch-grad-cam's {@code forward_augmentation_smoothing}, which averages the
 * normalised heatmaps without renormalising; raw maps are averaged the same way).
 */
final class AugSmoother {

    private AugSmoother() {
    }

    static Explanation smooth(Explainer explainer, AugSmoothing aug, FloatTensor images, List<Target> targets) {
        // pytorch-grad-cam passes targets=None on to every augmented forward pass, which then takes its own argmax.
        List<Target> fixed = explainer.compatibility() == Compatibility.PYTORCH_GRAD_CAM ? targets
                : fixOutputDependentClasses(explainer, images, targets);
        List<Augmentation> augs = aug.augmentations();
        int reference = 0;
        for (int a = 0; a < augs.size(); a++) {
            if (augs.get(a).isIdentity()) {
                reference = a;
                break;
            }
        }
        Average heat = null;
        List<Average> raw = new ArrayList<>();
        Explanation ref = null;
        Duration backend = Duration.ZERO;
        Duration maps = Duration.ZERO;
        Duration post = Duration.ZERO;
        Duration total = Duration.ZERO;
        for (int a = 0; a < augs.size(); a++) {
            Augmentation augmentation = augs.get(a);
            Explanation e = explainer.once(augmentation.apply(images), fixed);
            if (a == reference) {
                ref = e;
            }
            if (heat == null) {
                heat = new Average(e.heatmaps());
                for (LayerMaps lm : e.layerMaps()) {
                    raw.add(new Average(lm.rawMaps()));
                }
            }
            heat.add(augmentation, e.heatmaps());
            for (int l = 0; l < raw.size(); l++) {
                raw.get(l).add(augmentation, e.layerMaps().get(l).rawMaps());
            }
            backend = backend.plus(e.timings().backend());
            maps = maps.plus(e.timings().maps());
            post = post.plus(e.timings().postProcessing());
            total = total.plus(e.timings().total());
        }
        List<LayerMaps> layers = new ArrayList<>();
        for (int l = 0; l < raw.size(); l++) {
            LayerMaps r = ref.layerMaps().get(l);
            layers.add(new LayerMaps(r.layer(), raw.get(l).result(), r.weights(), r.masks(),
                    r.concepts().orElse(null)));
        }
        List<String> targetsDescribed = new ArrayList<>();
        int[] classes = new int[ref.size()];
        for (int i = 0; i < ref.size(); i++) {
            targetsDescribed.add(ref.target(i));
            classes[i] = ref.targetClass(i);
        }
        return new Explanation(heat.result(), layers, ref.scores(), classes, targetsDescribed, ref.diagnostics(),
                ref.provenance(), new Timings(backend, maps, post, total));
    }

    /** The top-class target can change under augmentation; pin it to the class found on the original images. */
    private static List<Target> fixOutputDependentClasses(Explainer explainer, FloatTensor images,
                                                          List<Target> targets) {
        if (targets.stream().noneMatch(t -> t.equals(Targets.topClass()))) {
            return targets;
        }
        FloatTensor out = explainer.model().run(PassRequest.builder(images).output(explainer.output()).build())
                .output();
        return Targets.pinTopClass(targets, out);
    }

    /** A running coverage-weighted mean of maps restored onto the original frame. */
    private static final class Average {
        private final FloatTensor like;
        private final double[] sum;
        private final double[] count;

        Average(FloatTensor like) {
            this.like = like;
            this.sum = new double[like.size()];
            this.count = new double[like.size()];
        }

        void add(Augmentation a, FloatTensor maps) {
            float[] coverage = new float[maps.size()];
            FloatTensor back = a.restore(maps, coverage);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += back.getFlat(i) * coverage[i];
                count[i] += coverage[i];
            }
        }

        FloatTensor result() {
            float[] out = new float[sum.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = count[i] > 0 ? (float) (sum[i] / count[i]) : 0f;
            }
            return FloatTensor.wrapOwned(like.shape(), out);
        }
    }
}
