/**
 * The {@code gradcam} command-line tool ({@link dev.gradcam.cli.GradcamCli}, picocli): {@code layers} lists
 * a model's candidate layers, {@code explain} writes heatmap overlays, {@code raw.npy}, {@code heatmap.npy} and a
 * JSON summary for images, folders or {@code .npy} tensors with a class-activation method, or the colour, grayscale,
 * positive and negative maps, {@code attribution.npy}, {@code heatmap.npy} and a JSON summary with a pixel-space
 * method (names: {@link dev.gradcam.api.Methods}), {@code demo} runs the embedded PaddleOCR demo. Exit
 * codes: {@link dev.gradcam.cli.ExitCodes}. Built as {@code gradcam-cli/target/gradcam.jar}.
 */
package dev.gradcam.cli;
