package dev.gradcam.api.cam;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

/** The published weightings of the gradient CAM family. */
public final class GradientReducers {

    private GradientReducers() {
    }

    /** Grad-CAM (Selvaraju et al. 2017): {@code w_k = mean_{ij} dy/dA_k[i,j]}. */
    public static GradientReducer globalAverage() {
        return (a, g) -> {
            int k = g.shape().intDim(0);
            return FloatTensor.wrapOwned(Shape.of(k), CamMath.channelWeights(g, k));
        };
    }

    /**
     * HiResCAM (Draelos and Carin 2020): the gradient itself at each position, {@code W_k[i,j] = dy/dA_k[i,j]}, so
     * the map is {@code sum_k dy/dA_k * A_k}; faithful to the model for CNNs ending in global average pooling.
     */
    public static GradientReducer elementwise() {
        return (a, g) -> g;
    }

    /**
     * XGrad-CAM (Fu et al. 2020): {@code w_k = sum_ij A_k[i,j] dy/dA_k[i,j] / (sum_ij A_k[i,j] + eps)}, eps 1e-7 as in
     * pytorch-grad-cam.
     */
    public static GradientReducer xGradCam() {
        return (a, g) -> {
            int k = g.shape().intDim(0);
            int hw = g.size() / k;
            float[] w = new float[k];
            for (int c = 0; c < k; c++) {
                double num = 0;
                double den = 0;
                for (int i = 0; i < hw; i++) {
                    double av = a.getFlat(c * hw + i);
                    num += av * g.getFlat(c * hw + i);
                    den += av;
                }
                w[c] = (float) (num / (den + 1e-7));
            }
            return FloatTensor.wrapOwned(Shape.of(k), w);
        };
    }

    /**
     * Grad-CAM++ (Chattopadhyay et al. 2018), with the exponential-output closed form (the paper's Eq. 19):
     * {@code alpha = g^2 / (2 g^2 + sum_ij A * g^3)} (0 where the denominator is 0),
     * {@code w_k = sum_ij alpha * relu(g)}. Scale-free: {@code alpha = 1 / (2 + sum_ij(A) g)} wherever g is not 0.
     */
    public static GradientReducer gradCamPlusPlus() {
        return gradCamPlusPlus(0);
    }

    /**
     * Grad-CAM++ with {@code eps} added to the alpha denominator, {@code alpha = g^2 / (2 g^2 + sum_ij A * g^3 + eps)}
     * where {@code g != 0} and 0 elsewhere: pytorch-grad-cam's {@code GradCAMPlusPlus} with {@code eps = 1e-6}. Not
     * scale-free: once {@code g^2} is near eps (typical last-layer gradients are 1e-4..1e-3) alpha becomes
     * {@code g^2 / eps} and the weighting changes character, which is why gradcam's default uses eps 0.
     *
     * @param eps 0 for the paper's formula (then a zero denominator gives alpha 0)
     * @throws InvalidArgumentException if eps is negative or not finite
     */
    public static GradientReducer gradCamPlusPlus(double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new InvalidArgumentException("eps must be finite and >= 0, got " + eps);
        }
        return (a, g) -> {
            int k = g.shape().intDim(0);
            int hw = g.size() / k;
            float[] w = new float[k];
            for (int c = 0; c < k; c++) {
                double sumA = 0;
                for (int i = 0; i < hw; i++) {
                    sumA += a.getFlat(c * hw + i);
                }
                double s = 0;
                for (int i = 0; i < hw; i++) {
                    double gv = g.getFlat(c * hw + i);
                    double g2 = gv * gv;
                    double den = 2 * g2 + sumA * g2 * gv + eps;
                    double alpha = gv != 0 && den != 0 ? g2 / den : 0;
                    s += alpha * Math.max(gv, 0);
                }
                w[c] = (float) s;
            }
            return FloatTensor.wrapOwned(Shape.of(k), w);
        };
    }

    /**
     * LayerCAM (Jiang et al. 2021, Eq. 4): each position keeps its positive gradient, {@code W_k[i,j] = relu(dy/dA_k[i,j])},
     * so the map is {@code sum_k relu(g_k) * A_k}.
     */
    public static GradientReducer positiveGradient() {
        return (a, g) -> {
            float[] w = g.toArray();
            for (int i = 0; i < w.length; i++) {
                w[i] = w[i] > 0 ? w[i] : 0f;
            }
            return FloatTensor.wrapOwned(g.shape(), w);
        };
    }

    /**
     * Grad-CAM element-wise (pytorch-grad-cam's {@code GradCAMElementWise}): the map is
     * {@code sum_k relu(g_k * A_k)}, written as per-position weights {@code W_k[i,j] = g_k[i,j]} where
     * {@code g_k[i,j] * A_k[i,j] > 0} and 0 elsewhere, so that {@code W .* A = relu(g .* A)}.
     */
    public static GradientReducer positiveProduct() {
        return (a, g) -> {
            float[] w = g.toArray();
            for (int i = 0; i < w.length; i++) {
                w[i] = w[i] * a.getFlat(i) > 0 ? w[i] : 0f;
            }
            return FloatTensor.wrapOwned(g.shape(), w);
        };
    }
}
