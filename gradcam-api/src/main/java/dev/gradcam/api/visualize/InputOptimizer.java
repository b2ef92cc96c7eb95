package dev.gradcam.api.visualize;

import dev.gradcam.api.saliency.GaussianBlur;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.SplittableRandom;

/**
 * The optimisation loop shared by every visualisation: per step, jitter, one batched pass for the objective's input
 * gradient, the regularisers' gradients, one optimiser step per image, clamping, and a blur every few steps. Images
 * are optimised independently (one optimiser state each), so results do not depend on the batch. Stateless.
 */
final class InputOptimizer {

    /** The optimised images and the objective at every step, {@code history[step][image]}. */
    record Run(FloatTensor images, double[][] history) {
    }

    private InputOptimizer() {
    }

    /**
     * Runs {@code opt.steps()} steps from {@code start} ({@code [N, C, H, W]}).
     *
     * @param stepOffset steps done before (earlier octaves), for progress reports
     * @param totalSteps steps in all, for progress reports
     * @param stream     which random stream of the seed to use (octaves use their own)
     */
    static Run run(Objective objective, FloatTensor start, Optimization opt, int stepOffset, int totalSteps,
                   int stream) {
        Shape s = start.shape();
        int n = s.intDim(0);
        int h = s.intDim(-2);
        int w = s.intDim(-1);
        int per = s.size() / n;
        float[] x = start.toArray();
        Optimizer.State[] states = new Optimizer.State[n];
        for (int i = 0; i < n; i++) {
            states[i] = opt.optimizer().start(per);
        }
        Regularization reg = opt.regularization();
        SplittableRandom rng = new SplittableRandom(opt.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L + stream);
        double[][] history = new double[opt.steps()][];
        int[] dy = new int[n];
        int[] dx = new int[n];
        for (int step = 0; step < opt.steps(); step++) {
            for (int i = 0; i < n; i++) {
                dy[i] = reg.jitter() == 0 ? 0 : rng.nextInt(-reg.jitter(), reg.jitter() + 1);
                dx[i] = reg.jitter() == 0 ? 0 : rng.nextInt(-reg.jitter(), reg.jitter() + 1);
            }
            Objective.Evaluation ev = objective.evaluate(FloatTensor.wrapOwned(s, roll(x, per, h, w, dy, dx, 1)));
            history[step] = ev.values();
            float[] g = roll(ev.gradient().toArray(), per, h, w, dy, dx, -1);
            float[] xi = new float[per];
            float[] gi = new float[per];
            for (int i = 0; i < n; i++) {
                System.arraycopy(x, i * per, xi, 0, per);
                for (int j = 0; j < per; j++) {
                    // The optimiser minimises: ascend by descending the negated objective.
                    gi[j] = objective.maximize() ? -g[i * per + j] : g[i * per + j];
                }
                reg.addGradient(xi, gi, h, w);
                states[i].step(xi, gi);
                reg.clamp(xi);
                System.arraycopy(xi, 0, x, i * per, per);
            }
            if (reg.blurEvery() > 0 && (step + 1) % reg.blurEvery() == 0) {
                x = GaussianBlur.blur(FloatTensor.wrapOwned(s, x), reg.blurSigma()).toArray();
            }
            double mean = 0;
            for (double v : ev.values()) {
                mean += v / n;
            }
            opt.listener().onStep(new Progress(stepOffset + step + 1, totalSteps, mean, FloatTensor.of(s, x)));
        }
        return new Run(FloatTensor.wrapOwned(s, x), history);
    }

    /** Each image's planes shifted circularly by {@code sign * (dy, dx)}. */
    static float[] roll(float[] d, int per, int h, int w, int[] dy, int[] dx, int sign) {
        float[] out = new float[d.length];
        int plane = h * w;
        for (int i = 0; i < dy.length; i++) {
            int sy = sign * dy[i];
            int sx = sign * dx[i];
            for (int p = i * per; p < (i + 1) * per; p += plane) {
                for (int y = 0; y < h; y++) {
                    int ty = Math.floorMod(y + sy, h);
                    for (int xx = 0; xx < w; xx++) {
                        out[p + ty * w + Math.floorMod(xx + sx, w)] = d[p + y * w + xx];
                    }
                }
            }
        }
        return out;
    }
}
