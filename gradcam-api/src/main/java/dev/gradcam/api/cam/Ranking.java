package dev.gradcam.api.cam;

/** What top-k style selectors rank channels by (largest first). */
public enum Ranking {
    /** The signed weight. */
    WEIGHT,
    /** The weight's magnitude. */
    ABS_WEIGHT,
    /** The mean squared activation. */
    ENERGY,
    /** The mean activation. */
    MEAN_ACTIVATION,
    /** The mean gradient. */
    MEAN_GRADIENT
}
