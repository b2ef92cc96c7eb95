package dev.gradcam.api;

import java.time.Duration;

/**
 * Wall-clock time spent in each stage of one explanation.
 *
 * @param backend        forward and backward passes in the backend
 * @param maps           weights, selection and combination, including the passes a method runs itself (Score-CAM's
 *                       masked images, Ablation-CAM's head batches)
 * @param postProcessing activation, normalisation, upsampling
 * @param total          everything
 */
public record Timings(Duration backend, Duration maps, Duration postProcessing, Duration total) {
}
