/**
 * Implementation of the ND4J backend: graph copies for gradients and head execution, the rewrite for guided and
 * deconvnet modes, shape probing, conversions, and the guard that keeps ND4J's stdout prints off users' consoles.
 * Not an API: may change in any release.
 */
package dev.gradcam.nd4j.internal;
