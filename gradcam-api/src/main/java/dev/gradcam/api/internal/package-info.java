/**
 * Helpers shared by the API's own packages (method families, the explainer), public only because Java has no
 * friend packages. Not user API: module-info does not export this package, and anything here may change.
 */
package dev.gradcam.api.internal;
