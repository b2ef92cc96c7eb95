/** Resolving user-facing layer names (tensor, node, PyTorch module path, {@code auto}) to a model's layers. */
package dev.gradcam.api.layer;
