/**
 * Pictures for the examples: {@link dev.gradcam.cli.render.Figure} lays captioned heatmap overlays out in a
 * grid under a title, which the gallery, the selector strip and the demo write as PNG.
 */
package dev.gradcam.cli.render;
