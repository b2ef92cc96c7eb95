package dev.gradcam.onnx.convert;

import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import java.util.List;

/**
 * Adapters for operators whose meaning, not just signature, changed: Upsample to Resize (10), Resize-10 to 11,
 * Scatter to ScatterElements (11), Dropout (12), the Softmax family (13), BatchNormalization (9, 14), RoiAlign (16).
 */
final class SemanticAdapters {

    private SemanticAdapters() {
    }

    /** Upsample-9 (deprecated at 10) is Resize-10 with the same inputs and mode. */
    static List<NodeProto> upsampleToResize(NodeProto n, Conversion c) {
        return List.of(n.toBuilder().setOpType("Resize").build());
    }

    /**
     * Resize-10 maps output to input coordinates as {@code x / scale} (asymmetric) and takes the floor for nearest
     * (what ONNX's own version converter and ONNX Runtime's opset-10 upsampling do for scales of at least 1);
     * Resize-11 says so with attributes and takes a region-of-interest input (unused here, empty).
     */
    static List<NodeProto> resize10To11(NodeProto n, Conversion c) {
        String mode = Conversion.attr(n, "mode") == null ? "nearest"
                : Conversion.attr(n, "mode").getS().toStringUtf8();
        NodeProto.Builder b = Conversion.without(n, "coordinate_transformation_mode", "nearest_mode")
                .clearInput().addInput(n.getInput(0))
                .addInput(c.reals(n, "roi", ElementType.FLOAT, new long[] {0}))
                .addInput(n.getInput(1))
                .addAttribute(Conversion.stringAttr("coordinate_transformation_mode", "asymmetric"));
        if (mode.equals("nearest")) {
            b.addAttribute(Conversion.stringAttr("nearest_mode", "floor"));
        }
        return List.of(b.build());
    }

    /** Scatter (deprecated at 11) is ScatterElements. */
    static List<NodeProto> scatter(NodeProto n, Conversion c) {
        return List.of(n.toBuilder().setOpType("ScatterElements").build());
    }

    /**
     * Dropout-12 takes ratio as an input. At inference Dropout is the identity: without a mask that anything reads
     * it becomes Identity, else the ratio moves to an input.
     */
    static List<NodeProto> dropout(NodeProto n, Conversion c) {
        if (!c.isRead(n.getOutputCount() > 1 ? n.getOutput(1) : "")) {
            return List.of(NodeProto.newBuilder().setName(n.getName()).setOpType("Identity").addInput(n.getInput(0))
                    .addOutput(n.getOutput(0)).build());
        }
        AttributeProto ratio = Conversion.attr(n, "ratio");
        NodeProto.Builder b = Conversion.without(n, "ratio");
        b.addInput(c.reals(n, "ratio", ElementType.FLOAT, new long[0], ratio == null ? 0.5 : ratio.getF()));
        return List.of(b.build());
    }

    /**
     * Before opset 13, Softmax, LogSoftmax and Hardmax coerce the input to 2-D at {@code axis} (default 1) and
     * normalise each row; from 13 they normalise along one axis (default -1). Where {@code axis} is the last axis
     * the two agree; elsewhere the old meaning is spelled out: Flatten at the axis, normalise the last axis,
     * Reshape back to the input's shape.
     */
    static List<NodeProto> softmaxFamily(NodeProto n, Conversion c) {
        AttributeProto a = Conversion.attr(n, "axis");
        long axis = a == null ? 1 : a.getI();
        int rank = c.rank(n.getInput(0));
        if (rank > 0 && (axis == rank - 1 || axis == -1)) {
            return List.of(Conversion.without(n, "axis").addAttribute(Conversion.intAttr("axis", -1)).build());
        }
        String x = n.getInput(0);
        String flat = c.fresh(n, "flat");
        String normed = c.fresh(n, "normalised");
        String shape = c.fresh(n, "shape");
        String name = n.getName();
        return List.of(
                NodeProto.newBuilder().setName(name + "/flatten").setOpType("Flatten").addInput(x).addOutput(flat)
                        .addAttribute(Conversion.intAttr("axis", axis)).build(),
                Conversion.without(n, "axis").clearInput().addInput(flat).clearOutput().addOutput(normed)
                        .addAttribute(Conversion.intAttr("axis", -1)).build(),
                NodeProto.newBuilder().setName(name + "/shape").setOpType("Shape").addInput(x).addOutput(shape)
                        .build(),
                NodeProto.newBuilder().setName(name + "/reshape").setOpType("Reshape").addInput(normed)
                        .addInput(shape).addOutput(n.getOutput(0)).build());
    }

    /** BatchNormalization-7's {@code spatial} (default 1) went away at 9; per-element statistics cannot convert. */
    static List<NodeProto> batchNorm7To9(NodeProto n, Conversion c) {
        AttributeProto spatial = Conversion.attr(n, "spatial");
        if (spatial != null && spatial.getI() == 0) {
            throw Conversion.refuse(n, 9, "spatial=0 (statistics per element) has no equivalent at opset 9");
        }
        return List.of(Conversion.without(n, "spatial").build());
    }

    /**
     * BatchNormalization before 14 computes batch statistics when it has its training outputs (ONNX Runtime runs
     * such a node in training mode); BatchNormalization-14 says so with {@code training_mode=1} and keeps the
     * running statistics as outputs 1 and 2, without the saved mean and variance of older versions.
     */
    static List<NodeProto> batchNorm9To14(NodeProto n, Conversion c) {
        if (n.getOutputCount() <= 1) {
            return List.of(n);
        }
        for (int i = 3; i < n.getOutputCount(); i++) {
            if (c.isRead(n.getOutput(i))) {
                throw Conversion.refuse(n, 14, "output " + i + " (a saved batch statistic) is read; "
                        + "BatchNormalization-14 has no such output");
            }
        }
        NodeProto.Builder b = Conversion.without(n, "training_mode").clearOutput()
                .addAttribute(Conversion.intAttr("training_mode", 1));
        for (int i = 0; i < Math.min(3, n.getOutputCount()); i++) {
            b.addOutput(n.getOutput(i));
        }
        return List.of(b.build());
    }

    /** RoiAlign-16's default coordinate mode is half_pixel; RoiAlign-10 meant output_half_pixel. */
    static List<NodeProto> roiAlign(NodeProto n, Conversion c) {
        if (Conversion.attr(n, "coordinate_transformation_mode") != null) {
            return List.of(n);
        }
        return List.of(n.toBuilder().addAttribute(Conversion.stringAttr("coordinate_transformation_mode",
                "output_half_pixel")).build());
    }
}
