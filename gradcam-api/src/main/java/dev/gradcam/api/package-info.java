/**
 * The user API: {@link dev.gradcam.api.Explainer} builds explanations, {@link dev.gradcam.api.Models} loads models
 * through whichever backend is present, and every deliberate error is a {@link dev.gradcam.api.GradCamException}.
 */
package dev.gradcam.api;
