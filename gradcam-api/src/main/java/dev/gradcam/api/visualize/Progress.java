package dev.gradcam.api.visualize;

import dev.gradcam.api.tensor.FloatTensor;

/**
 * Where an optimisation stands after one step.
 *
 * @param step      steps done, 1..steps (counting all octaves for DeepDream)
 * @param steps     steps in all
 * @param objective the batch's mean objective at this step (before its update)
 * @param images    the images after this step {@code [N, C, H, W]} (a copy, yours to keep)
 */
public record Progress(int step, int steps, double objective, FloatTensor images) {
}
