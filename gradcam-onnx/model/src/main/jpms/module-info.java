/**
 * ONNX files without ONNX Runtime: the format (the project's own protobuf schema), reading and writing (external
 * data included), parameter randomisation. The graph IR, shape inference, validation and opset conversion are
 * internal to the two backends that compile or translate ONNX graphs (qualified exports).
 */
module dev.gradcam.onnx.model {
    requires transitive dev.gradcam.api;
    requires transitive com.google.protobuf; // the generated ModelProto classes are the reader's and writer's types

    exports dev.gradcam.onnx.model;
    exports dev.gradcam.onnx.proto;
    exports dev.gradcam.onnx.graph to dev.gradcam.onnx, dev.gradcam.nd4j;
    exports dev.gradcam.onnx.validate to dev.gradcam.onnx, dev.gradcam.nd4j;
    exports dev.gradcam.onnx.convert to dev.gradcam.onnx, dev.gradcam.nd4j;
}
