/**
 * A self-contained demonstration task for the ND4J backend, reusable by examples: {@link
 * dev.gradcam.nd4j.demo.ShapesDataset} generates shapes on noise with known bounding boxes, {@link
 * dev.gradcam.nd4j.demo.ShapesCnn} builds and trains a small SameDiff CNN on them in seconds, and {@link
 * dev.gradcam.nd4j.demo.PointingGame} scores saliency maps by whether their peak falls inside the object.
 */
package dev.gradcam.nd4j.demo;
