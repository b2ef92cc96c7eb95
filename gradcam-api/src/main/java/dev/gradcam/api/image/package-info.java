/**
 * Images in and out: load PNG/JPEG files (or {@link java.awt.image.BufferedImage}s) into input tensors with a
 * {@link dev.gradcam.api.image.Preprocessing} (size, crop, channel order, layout, normalisation), turn tensors back
 * into images, colour heatmaps with a {@link dev.gradcam.api.image.Colormap}, blend them onto images with an
 * {@link dev.gradcam.api.image.Overlay}, and write PNG files, gradient images included
 * ({@link dev.gradcam.api.image.PngWriter}, {@link dev.gradcam.api.image.GradientImages}).
 *
 * <p>Start at {@link dev.gradcam.api.image.Images}. Everything here uses only the JDK ({@code javax.imageio},
 * {@code java.awt.image}); nothing needs a display. Unless a class says otherwise, pixel values travel as floats in
 * 0..255 and heatmaps as floats in [0, 1].
 */
package dev.gradcam.api.image;
