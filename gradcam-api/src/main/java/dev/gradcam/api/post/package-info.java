/** Post-processing of class-activation maps: activation, normalisation and bilinear upsampling. */
package dev.gradcam.api.post;
