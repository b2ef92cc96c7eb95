/**
 * The ND4J SameDiff backend: {@link dev.gradcam.nd4j.SameDiffModel} explains SameDiff graphs (built, trained, loaded
 * from SameDiff files, or translated from ONNX) with gradients from SameDiff's own autodiff, and
 * {@link dev.gradcam.nd4j.Nd4jBackendProvider} plugs it into {@link dev.gradcam.api.Models} by ServiceLoader.
 *
 * <p>Quiet by default: ND4J's start-up details are not logged unless {@code -Dorg.nd4j.log.initialization=true}, its
 * stdout prints are dropped, and its old slf4j-api 1.7 is excluded. ND4J still logs through SLF4J (a few WARN lines
 * from {@code org.nd4j.imports.converters.ImportClassMapping} when the first gradient graph is built, and INFO lines
 * from {@code org.nd4j.autodiff.samediff.SameDiff} on a thread's first pass): set the logger {@code org.nd4j} to
 * ERROR in your logging configuration to hide them.
 */
package dev.gradcam.nd4j;
