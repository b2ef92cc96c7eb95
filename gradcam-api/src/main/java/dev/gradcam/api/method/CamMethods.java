package dev.gradcam.api.method;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.cam.GradientReducer;
import dev.gradcam.api.cam.GradientReducers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The built-in {@link CamMethod}s, by factory or by kebab-case name ({@link #byName}, {@link #names()}), each with
 * its defaults; change settings with the returned method's {@code with...} methods. The formulas, costs and
 * differences from pytorch-grad-cam are in each class's Javadoc and in {@code docs/methods.md}.
 */
public final class CamMethods {

    /** pytorch-grad-cam's {@code eps} in Grad-CAM++'s alpha denominator. */
    public static final double PYTORCH_GRAD_CAM_PLUS_PLUS_EPS = 1e-6;

    private static final Map<String, Supplier<CamMethod>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("grad-cam", CamMethods::gradCam);
        BY_NAME.put("grad-cam-plus-plus", CamMethods::gradCamPlusPlus);
        BY_NAME.put("xgrad-cam", CamMethods::xGradCam);
        BY_NAME.put("hires-cam", CamMethods::hiResCam);
        BY_NAME.put("grad-cam-elementwise", CamMethods::gradCamElementwise);
        BY_NAME.put("layer-cam", CamMethods::layerCam);
        BY_NAME.put("eigen-cam", CamMethods::eigenCam);
        BY_NAME.put("eigen-grad-cam", CamMethods::eigenGradCam);
        BY_NAME.put("score-cam", CamMethods::scoreCam);
        BY_NAME.put("ablation-cam", CamMethods::ablationCam);
        BY_NAME.put("full-grad", CamMethods::fullGrad);
        BY_NAME.put("deep-feature-factorization", CamMethods::deepFeatureFactorization);
        BY_NAME.put("random-cam", CamMethods::randomCam);
        BY_NAME.put("fem", CamMethods::fem);
        BY_NAME.put("shapley-cam", CamMethods::shapleyCam);
        BY_NAME.put("kpca-cam", CamMethods::kpcaCam);
        BY_NAME.put("seg-eigen-cam", CamMethods::segEigenCam);
        BY_NAME.put("finer-cam", CamMethods::finerCam);
        BY_NAME.put("refine-cam", CamMethods::refineCam);
        BY_NAME.put("attention-rollout", CamMethods::attentionRollout);
        BY_NAME.put("grad-attention-rollout", CamMethods::gradAttentionRollout);
    }

    private CamMethods() {
    }

    /**
     * Attention rollout (Abnar and Zuidema 2020) for vision transformers: heads fused by their mean, nothing
     * discarded; see {@link AttentionRollout#withHeadFusion} and {@link AttentionRollout#withDiscardRatio}.
     */
    public static AttentionRollout attentionRollout() {
        return new AttentionRollout(false, AttentionRollout.HeadFusion.MEAN, 0);
    }

    /** Gradient-weighted attention rollout (Chefer, Gur and Wolf 2021). */
    public static AttentionRollout gradAttentionRollout() {
        return new AttentionRollout(true, AttentionRollout.HeadFusion.MEAN, 0);
    }

    /** Grad-CAM (Selvaraju et al. 2017): {@code w_k = mean_ij dy/dA_k}. */
    public static ReducerMethod gradCam() {
        return new ReducerMethod("grad-cam", GradientReducers.globalAverage());
    }

    /**
     * Grad-CAM++ (Chattopadhyay et al. 2018), the paper's scale-free closed form, see
     * {@link GradientReducers#gradCamPlusPlus()}; under {@link Compatibility#PYTORCH_GRAD_CAM} with eps 1e-6.
     */
    public static ReducerMethod gradCamPlusPlus() {
        return new ReducerMethod("grad-cam-plus-plus", GradientReducers.gradCamPlusPlus(),
                GradientReducers.gradCamPlusPlus(PYTORCH_GRAD_CAM_PLUS_PLUS_EPS));
    }

    /** Grad-CAM++ with {@code eps} in the alpha denominator, see {@link GradientReducers#gradCamPlusPlus(double)}. */
    public static ReducerMethod gradCamPlusPlus(double eps) {
        return new ReducerMethod("grad-cam-plus-plus", GradientReducers.gradCamPlusPlus(eps),
                GradientReducers.gradCamPlusPlus(PYTORCH_GRAD_CAM_PLUS_PLUS_EPS));
    }

    /** XGrad-CAM (Fu et al. 2020), see {@link GradientReducers#xGradCam()}. */
    public static ReducerMethod xGradCam() {
        return new ReducerMethod("xgrad-cam", GradientReducers.xGradCam());
    }

    /** HiResCAM (Draelos and Carin 2020): {@code sum_k dy/dA_k .* A_k}. */
    public static ReducerMethod hiResCam() {
        return new ReducerMethod("hires-cam", GradientReducers.elementwise());
    }

    /** Grad-CAM element-wise (pytorch-grad-cam): {@code sum_k relu(dy/dA_k .* A_k)}. */
    public static ReducerMethod gradCamElementwise() {
        return new ReducerMethod("grad-cam-elementwise", GradientReducers.positiveProduct());
    }

    /**
     * LayerCAM (Jiang et al. 2021): {@code sum_k relu(dy/dA_k) .* A_k}; for several layers use
     * {@code Explainer.Builder#layers} with {@link LayerFusions#layerCam()}.
     */
    public static ReducerMethod layerCam() {
        return new ReducerMethod("layer-cam", GradientReducers.positiveGradient());
    }

    /** Eigen-CAM (Muhammad and Yeasin 2020): the first principal component of the activations. */
    public static EigenCam eigenCam() {
        return new EigenCam(EigenCam.Input.ACTIVATIONS);
    }

    /** Eigen-Grad-CAM: the first principal component of {@code dy/dA .* A}. */
    public static EigenCam eigenGradCam() {
        return new EigenCam(EigenCam.Input.GRADIENT_TIMES_ACTIVATIONS);
    }

    /**
     * Seg-Eigen-CAM (Chung and Ying 2025): the first principal component of {@code |dy/dA| .* A}, negated when its
     * negative peak is the larger.
     */
    public static EigenCam segEigenCam() {
        return new EigenCam(EigenCam.Input.ABS_GRADIENT_TIMES_ACTIVATIONS);
    }

    /** Score-CAM (Wang et al. 2020) with the paper's choices and at most 16 masked images per forward pass. */
    public static ScoreCam scoreCam() {
        return new ScoreCam(ScoreCam.DEFAULT_MAX_BATCH, false, false);
    }

    /** Ablation-CAM (Desai and Ramaswamy 2020): zeroed channels, head-only passes of at most 32 copies. */
    public static AblationCam ablationCam() {
        return new AblationCam(AblationCam.DEFAULT_MAX_BATCH, false);
    }

    /** FullGrad (Srinivas and Fleuret 2019), scaled as the authors' code does. */
    public static FullGrad fullGrad() {
        return new FullGrad(FullGrad.Scaling.PER_IMAGE);
    }

    /** Deep Feature Factorization (Collins et al. 2018): 5 concepts, 200 NMF updates at most, seed 0. */
    public static DeepFeatureFactorization deepFeatureFactorization() {
        return new DeepFeatureFactorization(DeepFeatureFactorization.DEFAULT_CONCEPTS,
                DeepFeatureFactorization.DEFAULT_ITERATIONS, DeepFeatureFactorization.DEFAULT_TOLERANCE, 0);
    }

    /** Random-CAM: uniform random channel weights in [-1, 1), seed 0; a sanity baseline. */
    public static RandomCam randomCam() {
        return new RandomCam(RandomCam.DEFAULT_SEED);
    }

    /**
     * ShapleyCAM (Cai et al. 2025): {@code w_k = mean_ij (g - 0.5 H A)_k}, the gradient corrected by the Hessian of
     * the target with respect to the layer applied to the activations; a second-order pass, see {@link ShapleyCam}.
     */
    public static ShapleyCam shapleyCam() {
        return new ShapleyCam();
    }

    /** FEM (Fuad et al. 2020): channels weighted by their share of positions above mean + 2 std; gradient-free. */
    public static Fem fem() {
        return new Fem(Fem.DEFAULT_K);
    }

    /** KPCA-CAM: the first kernel principal component of the activations, sigmoid kernel, gamma 1 / K. */
    public static KernelPcaCam kpcaCam() {
        return new KernelPcaCam(KernelPcaCam.Kernel.SIGMOID, Double.NaN);
    }

    /**
     * Finer-CAM (Zhang et al. 2025): Grad-CAM of the target class minus (alpha = 1) the three classes scored most
     * like it, weighted by their softmax probabilities.
     */
    public static FinerCam finerCam() {
        return new FinerCam(gradCam(), 1.0, FinerCam.DEFAULT_RANKS, null);
    }

    /** Refine-CAM: the product of per-layer normalised Grad-CAM++ maps over the explainer's layers. */
    public static RefineCam refineCam() {
        return new RefineCam(gradCamPlusPlus(), false);
    }

    /** A method from your own reducer, e.g. a new channel weighting; needs layer gradients. */
    public static ReducerMethod fromReducer(String name, GradientReducer reducer) {
        return new ReducerMethod(name, reducer);
    }

    /**
     * A built-in method with its defaults, by kebab-case name, spelt as {@link MethodNames#normalise} allows
     * ({@code Grad_CAM++}). {@code dev.gradcam.api.Methods} looks up both method families.
     *
     * @throws GradCamException for an unknown name, listing the known ones
     */
    public static CamMethod byName(String name) {
        String key = MethodNames.normalise(name);
        Supplier<CamMethod> s = BY_NAME.get(key);
        if (s == null) {
            throw new GradCamException("unknown CAM method '" + name + "'; known methods: "
                    + String.join(", ", names()));
        }
        return s.get();
    }

    /** Every built-in method's name, in a stable order (gradient methods first). */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }
}
