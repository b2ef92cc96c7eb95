/**
 * Numbered runnable examples, one concept each, each with a {@code main} and a smoke test:
 * {@link dev.gradcam.examples.Example01_GradCamOnOnnx} (Grad-CAM on an ONNX model),
 * {@link dev.gradcam.examples.Example02_CustomFeatureMapSelector} (which feature maps matter, and a selector of your
 * own), {@link dev.gradcam.examples.Example03_Nd4jBackend} (the ND4J SameDiff backend),
 * {@link dev.gradcam.examples.Example04_MethodGallery} (every method on one image),
 * {@link dev.gradcam.examples.Example05_ServerLoop} (explaining from many threads with one shared model) and
 * {@link dev.gradcam.examples.Example06_SanityChecks} (cascading parameter randomisation and the random-logit test).
 *
 * <p>Most run on PaddleOCR's text-direction classifier and text detector, embedded via
 * {@link dev.gradcam.examples.demo.DemoModels}, on text rendered by {@link dev.gradcam.examples.demo.DemoImages};
 * Example 6 on a small CNN trained on shapes ({@code sanity/make_shapes_cnn.py}).
 * The command-line tool lives in {@link dev.gradcam.examples.cli}.
 */
package dev.gradcam.examples;
