/**
 * The backend SPI: {@link dev.gradcam.api.DifferentiableModel} (forward and backward passes, head execution)
 * and {@link dev.gradcam.api.spi.BackendProvider} (discovered with ServiceLoader). Users rarely need more than
 * {@code DifferentiableModel}'s description methods; backends implement both.
 */
package dev.gradcam.api.spi;
