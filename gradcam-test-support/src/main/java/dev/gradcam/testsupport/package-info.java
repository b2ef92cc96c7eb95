/**
 * Test helpers shared by the modules' tests (test scope only; not user API, not published): the ONNX backend's
 * PyTorch reference fixtures ({@link dev.gradcam.testsupport.OnnxFixtures}) and class-path resources as files
 * ({@link dev.gradcam.testsupport.TestResources}). Finite differences, tensor assertions and the in-memory models
 * are in gradcam-api's test jar ({@code dev.gradcam.api.testing}), which this module brings along.
 */
package dev.gradcam.testsupport;
