/** Immutable shapes and dense float tensors, row-major (NCHW for image batches). */
package dev.gradcam.api.tensor;
