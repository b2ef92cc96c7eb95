/**
 * The {@code gradcam} command-line tool ({@link dev.gradcam.examples.cli.GradcamCli}, picocli): {@code layers} lists
 * a model's candidate layers, {@code explain} writes heatmap overlays, {@code raw.npy}, {@code heatmap.npy} and a
 * JSON summary for images, folders or {@code .npy} tensors with a class-activation method, or the colour, grayscale,
 * positive and negative maps, {@code attribution.npy}, {@code heatmap.npy} and a JSON summary with a pixel-space
 * method ({@link dev.gradcam.examples.cli.MethodCatalog}), {@code demo} runs the embedded PaddleOCR demo. Exit
 * codes: {@link dev.gradcam.examples.cli.ExitCodes}. Built as {@code examples/target/gradcam.jar}.
 */
package dev.gradcam.examples.cli;
