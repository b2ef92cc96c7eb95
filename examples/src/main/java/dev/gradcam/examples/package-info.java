/**
 * Numbered runnable examples, one concept each, each with a {@code main} and a smoke test:
 * {@link dev.gradcam.examples.Example01_GradCamOnOnnx} (Grad-CAM on an ONNX model),
 * {@link dev.gradcam.examples.Example02_CustomFeatureMapSelector} (which feature maps matter, and a selector of your
 * own), {@link dev.gradcam.examples.Example03_Nd4jBackend} (the ND4J SameDiff backend),
 * {@link dev.gradcam.examples.Example04_MethodGallery} (every method on one image) and
 * {@link dev.gradcam.examples.Example05_ServerLoop} (explaining from many threads with one shared model).
 *
 * <p>They run on PaddleOCR's text-direction classifier and text detector, embedded via
 * {@link dev.gradcam.examples.demo.DemoModels}, on text rendered by {@link dev.gradcam.examples.demo.DemoImages}.
 * The command-line tool lives in {@link dev.gradcam.examples.cli}.
 */
package dev.gradcam.examples;
