package dev.gradcam.onnx.model;

import dev.gradcam.api.ModelLoadException;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.OperatorSetIdProto;

/** Facts about the ONNX format that gradcam relies on: supported opsets and the default-domain version of a model. */
public final class OnnxFormat {

    /** Oldest default-domain opset gradcam reads. */
    public static final int MIN_OPSET = 7;
    /** Newest default-domain opset ONNX Runtime 1.24 accepts. */
    public static final int MAX_OPSET = 25;

    private OnnxFormat() {
    }

    /** True for the default operator domain, spelled {@code ""} or {@code ai.onnx}. */
    public static boolean isDefaultDomain(String domain) {
        return domain == null || domain.isEmpty() || domain.equals("ai.onnx");
    }

    /**
     * The model's default-domain opset version.
     *
     * @throws ModelLoadException if the model imports no default-domain opset
     */
    public static int opset(ModelProto model) {
        for (OperatorSetIdProto id : model.getOpsetImportList()) {
            if (isDefaultDomain(id.getDomain())) {
                return (int) id.getVersion();
            }
        }
        if (model.getOpsetImportCount() == 0 && model.hasGraph()) {
            // IR version 1-2 files carry no opset_import; ONNX says they mean opset 1.
            return 1;
        }
        throw new ModelLoadException("model imports no opset of the default ONNX domain; imports: "
                + model.getOpsetImportList().stream().map(OperatorSetIdProto::getDomain).toList());
    }

    /**
     * Checks that the model's opset is one gradcam supports.
     *
     * @param source where the model came from, for the message
     * @throws ModelLoadException naming the opset and the supported range
     */
    public static void checkSupported(ModelProto model, String source) {
        if (!model.hasGraph()) {
            throw new ModelLoadException(source + " holds no graph; is it an ONNX model file?");
        }
        int opset = opset(model);
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new ModelLoadException(source + " uses ONNX opset " + opset + "; gradcam supports opsets "
                    + MIN_OPSET + " to " + MAX_OPSET + ". Re-export the model with an opset in that range, e.g. "
                    + "torch.onnx.export(..., opset_version=17)");
        }
    }
}
