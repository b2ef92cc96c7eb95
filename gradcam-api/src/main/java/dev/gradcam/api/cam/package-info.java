/**
 * Class-activation arithmetic: gradient reducers (channel or position weights), feature-map selectors (which
 * channels count) and the weighted combination of feature maps.
 */
package dev.gradcam.api.cam;
