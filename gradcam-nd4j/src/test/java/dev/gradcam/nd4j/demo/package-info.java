/**
 * A self-contained demonstration task for the ND4J backend, in the test sources (and the module's test jar, which
 * examples/Example03 uses), not the main jar: {@link
 * dev.gradcam.nd4j.demo.ShapesDataset} generates shapes on noise with known bounding boxes, {@link
 * dev.gradcam.nd4j.demo.ShapesCnn} builds and trains a small SameDiff CNN on them in seconds. Score maps against
 * the boxes with {@code dev.gradcam.metrics.Localisation} (gradcam-metrics), e.g. the pointing game.
 */
package dev.gradcam.nd4j.demo;
