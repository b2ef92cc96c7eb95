package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.numeric.Nmf;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Deep Feature Factorization (Collins, Achanta and Süsstrunk 2018), as pytorch-grad-cam's {@code dff}: the
 * activations of the whole batch, read as a matrix X [K, N*h*w] (NaN as 0), are shifted per channel to be
 * non-negative (the channel's minimum is subtracted) and factorised by NMF into r concepts, {@code X ~ W H}: W [K, r]
 * holds the concept embeddings (the shift added back), H [r, N*h*w] each concept's heatmap in every image. The concepts
 * are shared by the batch; they are not class-specific.
 *
 * <p><b>Per-class scores:</b> when the backend offers head execution, each concept embedding is spread over every
 * position of the layer ([r, K, h, w], constant per channel) and the head is run on it, giving one model output per
 * concept; for a head that pools globally this is the classifier applied to the embedding, exactly what
 * pytorch-grad-cam's {@code computation_on_concepts} does. Each image's target is applied to those outputs. The raw
 * map of image i is then the heatmap of the concept its target scores highest, and its weights are those r target
 * scores; without head execution it is the concept with the most mass in the image (a diagnostic says so) and the
 * weights are the concepts' total mass per image. The mask marks the concept shown. Everything is in
 * {@link ConceptFactorization} (on {@link LayerMaps#concepts()}).
 *
 * <p>NMF: Lee-Seung multiplicative updates in double ({@link Nmf}), seeded, deterministic; scikit-learn's NMF
 * (pytorch-grad-cam) uses coordinate descent, so concepts agree in spirit, not digit for digit (NMF is not unique).
 * The selector and eigen-smoothing do not apply. Cost: one forward pass, the factorisation
 * (O(iterations * K * N h w * r)), and one head batch of r. Immutable.
 */
public final class DeepFeatureFactorization implements CamMethod {

    /** pytorch-grad-cam's {@code dff} default number of concepts. */
    public static final int DEFAULT_CONCEPTS = 5;
    /** scikit-learn's default iteration limit. */
    public static final int DEFAULT_ITERATIONS = 200;
    /** scikit-learn's default tolerance. */
    public static final double DEFAULT_TOLERANCE = 1e-4;

    private final int concepts;
    private final int iterations;
    private final double tolerance;
    private final long seed;

    DeepFeatureFactorization(int concepts, int iterations, double tolerance, long seed) {
        if (concepts < 1 || iterations < 0 || !(tolerance >= 0)) {
            throw new InvalidArgumentException("need concepts >= 1, iterations >= 0, tolerance >= 0; got " + concepts
                    + ", " + iterations + ", " + tolerance);
        }
        this.concepts = concepts;
        this.iterations = iterations;
        this.tolerance = tolerance;
        this.seed = seed;
    }

    /** The same method with {@code r} concepts. */
    public DeepFeatureFactorization withConcepts(int r) {
        return new DeepFeatureFactorization(r, iterations, tolerance, seed);
    }

    /** The same method with another NMF stopping rule (tolerance 0: always {@code iterations} updates). */
    public DeepFeatureFactorization withIterations(int iterations, double tolerance) {
        return new DeepFeatureFactorization(concepts, iterations, tolerance, seed);
    }

    /** The same method with another NMF seed. */
    public DeepFeatureFactorization withSeed(long seed) {
        return new DeepFeatureFactorization(concepts, iterations, tolerance, seed);
    }

    @Override
    public String name() {
        return "deep-feature-factorization";
    }

    @Override
    public Set<Capability> requiredCapabilities() {
        return Set.of();
    }

    @Override
    public boolean needsGradients() {
        return false;
    }

    @Override
    public List<LayerMaps> explain(CamContext context) {
        InvalidArgumentException.requireNonNull(context, "context");
        List<LayerMaps> out = new ArrayList<>();
        for (LayerInfo layer : context.layers()) {
            out.add(factorize(context, layer));
        }
        return out;
    }

    private LayerMaps factorize(CamContext context, LayerInfo layer) {
        FloatTensor acts = context.activations2d(layer, name());
        Shape s = acts.shape();
        int n = s.intDim(0);
        int k = s.intDim(1);
        int plane = s.intDim(2) * s.intDim(3);
        int r = Math.min(concepts, k);
        double[][] x = new double[k][n * plane];
        double[] offset = new double[k];
        for (int c = 0; c < k; c++) {
            double min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < plane; p++) {
                    float f = acts.getFlat((i * k + c) * plane + p);
                    double v = Float.isNaN(f) ? 0 : f;
                    x[c][i * plane + p] = v;
                    min = Math.min(min, v);
                }
            }
            offset[c] = min;
            for (int j = 0; j < n * plane; j++) {
                x[c][j] -= min;
            }
        }
        Nmf.Result f = Nmf.factorize(x, r, iterations, tolerance, seed);
        float[] emb = new float[r * k];
        for (int j = 0; j < r; j++) {
            for (int c = 0; c < k; c++) {
                emb[j * k + c] = (float) (f.w()[c][j] + offset[c]);
            }
        }
        float[] maps = new float[n * r * plane];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < r; j++) {
                for (int p = 0; p < plane; p++) {
                    maps[(i * r + j) * plane + p] = (float) f.h()[j][i * plane + p];
                }
            }
        }
        FloatTensor embeddings = FloatTensor.wrapOwned(Shape.of(r, k), emb);
        FloatTensor conceptMaps = FloatTensor.wrapOwned(Shape.of(n, r, s.dim(2), s.dim(3)), maps);
        FloatTensor outputs = null;
        FloatTensor targetScores = null;
        boolean head = context.model().capabilities().contains(Capability.HEAD_EXECUTION);
        if (head) {
            float[] spread = new float[r * k * plane];
            for (int j = 0; j < r; j++) {
                for (int c = 0; c < k; c++) {
                    Arrays.fill(spread, (j * k + c) * plane, (j * k + c + 1) * plane, emb[j * k + c]);
                }
            }
            try {
                outputs = context.runHead(layer, FloatTensor.wrapOwned(s.withDim(0, r), spread), -1);
            } catch (InvalidInputException e) {
                // A concept has no image of its own to recompute a skip connection around the layer from.
                context.diagnose("deep-feature-factorization at " + layer.name() + ": " + e.getMessage()
                        + "; concepts have no class scores, each image shows its dominant concept");
                head = false;
            }
        }
        if (head) {
            float[] ts = new float[n * r];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < r; j++) {
                    ts[i * r + j] = (float) context.targets().get(i).score(outputs.slice(j));
                }
            }
            targetScores = FloatTensor.wrapOwned(Shape.of(n, r), ts);
        } else if (!context.model().capabilities().contains(Capability.HEAD_EXECUTION)) {
            context.diagnose("deep-feature-factorization at " + layer.name() + ": the backend cannot run the head, so "
                    + "concepts have no class scores; each image shows its dominant concept");
        }
        List<FloatTensor> weights = new ArrayList<>(n);
        List<ChannelMask> masks = new ArrayList<>(n);
        List<FloatTensor> raw = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] w = new float[r];
            for (int j = 0; j < r; j++) {
                w[j] = targetScores != null ? targetScores.getFlat(i * r + j)
                        : (float) conceptMaps.slice(i).slice(j).sum();
            }
            FloatTensor wi = FloatTensor.wrapOwned(Shape.of(r), w);
            int best = wi.argMax();
            weights.add(wi);
            masks.add(ChannelMask.indices(r, best));
            raw.add(conceptMaps.slice(i).slice(best));
        }
        ConceptFactorization cf = new ConceptFactorization(embeddings, conceptMaps, outputs, targetScores);
        return new LayerMaps(layer, FloatTensor.stack(raw), weights, masks, cf);
    }

    @Override
    public String settings() {
        return "concepts=" + concepts + ", iterations=" + iterations + ", tolerance=" + tolerance + ", seed=" + seed;
    }
}
