/**
 * Numbered runnable examples, one concept each, each with a {@code main} and a smoke test:
 * {@link dev.gradcam.examples.Example01_GradCamOnOnnx} (Grad-CAM on an ONNX model),
 * {@link dev.gradcam.examples.Example02_CustomFeatureMapSelector} (which feature maps matter, and a selector of your
 * own), {@link dev.gradcam.examples.Example03_Nd4jBackend} (the ND4J SameDiff backend),
 * {@link dev.gradcam.examples.Example04_MethodGallery} (every method on one image),
 * {@link dev.gradcam.examples.Example05_ServerLoop} (explaining from many threads with one shared model),
 * {@link dev.gradcam.examples.Example06_FaceDetector} (a real face detector's boxes and scores) and
 * {@link dev.gradcam.examples.Example07_SanityChecks} (cascading parameter randomisation and the random-logit test).
 *
 * <p>Most run on PaddleOCR's text-direction classifier and text detector, embedded via
 * {@link dev.gradcam.cli.demo.DemoModels}, on text rendered by {@link dev.gradcam.cli.demo.DemoImages};
 * Example 7 on a small CNN trained on shapes ({@code sanity/make_shapes_cnn.py}). The command-line tool is the
 * gradcam-cli module ({@code dev.gradcam.cli}); the demo models, images and figure layout these examples share with
 * it come from there.
 */
package dev.gradcam.examples;
