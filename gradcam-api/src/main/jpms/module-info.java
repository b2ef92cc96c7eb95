/**
 * gradcam's API: what users call (explainers, methods, targets, images, I/O) and what backends implement (the SPI,
 * tensors, layer resolution, exceptions). No dependencies beyond the JDK.
 *
 * <p>Not exported: {@code dev.gradcam.api.internal}, the helpers the API's own packages share.
 * docs/architecture.md lists which package may import which.
 */
module dev.gradcam.api {
    requires transitive java.desktop; // BufferedImage in image/ signatures; ImageIO

    exports dev.gradcam.api;
    exports dev.gradcam.api.cam;
    exports dev.gradcam.api.image;
    exports dev.gradcam.api.io;
    exports dev.gradcam.api.layer;
    exports dev.gradcam.api.method;
    exports dev.gradcam.api.numeric;
    exports dev.gradcam.api.post;
    exports dev.gradcam.api.saliency;
    exports dev.gradcam.api.spi;
    exports dev.gradcam.api.target;
    exports dev.gradcam.api.tensor;
    exports dev.gradcam.api.visualize;

    uses dev.gradcam.api.spi.BackendProvider;
}
