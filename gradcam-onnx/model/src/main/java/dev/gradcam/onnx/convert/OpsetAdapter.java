package dev.gradcam.onnx.convert;

import dev.gradcam.onnx.proto.Onnx.NodeProto;
import java.util.List;

/** Rewrites one node from the form of opset {@code v - 1} to the form of opset {@code v}. */
@FunctionalInterface
interface OpsetAdapter {

    /** The nodes that replace {@code node} (computing the same outputs under the same names). */
    List<NodeProto> adapt(NodeProto node, Conversion c);
}
