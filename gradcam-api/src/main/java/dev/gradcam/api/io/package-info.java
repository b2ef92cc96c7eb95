/**
 * Array files for interoperability with Python: {@link dev.gradcam.api.io.Npy} reads and writes NumPy
 * {@code .npy} files as {@link dev.gradcam.api.tensor.FloatTensor}s, so maps, gradients and inputs can be compared
 * with PyTorch or NumPy results, or handed to them. {@link dev.gradcam.api.io.OutputFiles} writes files and
 * streams for every writer of the library (folders created, failures named).
 *
 * <p>Nothing here depends on anything outside the JDK.
 */
package dev.gradcam.api.io;
