package dev.gradcam.onnx.validate;

import dev.gradcam.api.InvalidModelException;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many inputs and outputs the operators gradcam knows take, at the model's opset: a node with an extra or a
 * missing input would otherwise reach the gradient compiler (which reads inputs by position) or ONNX Runtime.
 * Optional inputs left out in the middle are empty names, as ONNX spells them; required ones must be present.
 */
final class Arity {

    private static final int MANY = Integer.MAX_VALUE;
    /** Operator to {min inputs, max inputs, min outputs, max outputs}. */
    private static final Map<String, int[]> TABLE = new HashMap<>();

    static {
        for (String op : List.of("Relu", "LeakyRelu", "Elu", "Selu", "Celu", "Sigmoid", "Tanh", "HardSigmoid",
                "HardSwish", "Softplus", "Softsign", "Softmax", "LogSoftmax", "Hardmax", "Erf", "Sqrt", "Exp", "Log",
                "Neg", "Abs", "Identity", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Not", "Mish", "Gelu",
                "ThresholdedRelu", "LRN", "Flatten", "Transpose", "Shape", "Size", "GlobalAveragePool",
                "GlobalMaxPool", "GlobalLpPool", "AveragePool", "LpPool", "Cast", "DepthToSpace", "SpaceToDepth",
                "ArgMax", "ArgMin", "ConstantOfShape", "Sin", "Cos", "IsNaN", "IsInf", "Swish")) {
            put(op, 1, 1, 1, 1);
        }
        for (String op : List.of("Add", "Sub", "Mul", "Div", "Pow", "MatMul", "PRelu", "Gather", "GatherElements",
                "Expand", "Tile", "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "And", "Or", "Xor",
                "CastLike", "Mod")) {
            put(op, 2, 2, 1, 1);
        }
        for (String op : List.of("Max", "Min", "Sum", "Mean", "Concat")) {
            put(op, 1, MANY, 1, 1);
        }
        for (String op : List.of("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
                "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "Squeeze", "Unsqueeze")) {
            put(op, 1, 2, 1, 1);
        }
        put("Conv", 2, 3, 1, 1);
        put("ConvTranspose", 2, 3, 1, 1);
        put("MaxPool", 1, 1, 1, 2);
        put("BatchNormalization", 5, 5, 1, 5);
        put("InstanceNormalization", 3, 3, 1, 1);
        put("LayerNormalization", 2, 3, 1, 3);
        put("GroupNormalization", 3, 3, 1, 1);
        put("RMSNormalization", 2, 2, 1, 1);
        put("Attention", 3, 6, 1, 4);
        put("Clip", 1, 3, 1, 1);
        put("Dropout", 1, 3, 1, 2);
        put("Where", 3, 3, 1, 1);
        put("Reshape", 2, 2, 1, 1);
        put("Resize", 1, 4, 1, 1);
        put("Upsample", 1, 2, 1, 1);
        put("Split", 1, 2, 1, MANY);
        put("TopK", 1, 2, 2, 2);
        put("Constant", 0, 0, 1, 1);
        // Opset-dependent input counts: see check.
        put("Gemm", 2, 3, 1, 1);
        put("Slice", 1, 5, 1, 1);
        put("Pad", 1, 4, 1, 1);
    }

    private Arity() {
    }

    private static void put(String op, int minIn, int maxIn, int minOut, int maxOut) {
        TABLE.put(op, new int[] {minIn, maxIn, minOut, maxOut});
    }

    static void check(NodeProto n, String node, int opset) {
        String op = n.getOpType();
        int[] a = TABLE.get(op);
        if (a == null) {
            return;
        }
        int minIn = a[0];
        int maxIn = a[1];
        switch (op) {
            // Before opset 11, Gemm's C was required; ONNX Runtime refuses a 2-input Gemm at opset 9 or 10.
            case "Gemm" -> minIn = opset < 11 ? 3 : 2;
            case "Slice" -> {
                minIn = opset < 10 ? 1 : 3;
                maxIn = opset < 10 ? 1 : 5;
            }
            case "Pad" -> {
                minIn = opset < 11 ? 1 : 2;
                maxIn = opset < 11 ? 1 : 4;
            }
            case "Squeeze", "Unsqueeze" -> {
                maxIn = opset < 13 ? 1 : 2;
                minIn = op.equals("Unsqueeze") && opset >= 13 ? 2 : 1;
            }
            case "Reshape" -> minIn = 2;
            case "Attention" -> maxIn = opset >= 24 ? 7 : 6; // opset 24 added nonpad_kv_seqlen
            default -> {
            }
        }
        int given = lastPresent(n.getInputList()) + 1;
        if (given > maxIn) {
            throw new InvalidModelException(node + " has " + given + " inputs; " + op + " at opset " + opset + " takes "
                    + range(minIn, maxIn));
        }
        for (int i = 0; i < minIn; i++) {
            if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
                throw new InvalidModelException(node + " lacks input " + i + "; " + op + " at opset " + opset
                        + " takes " + range(minIn, maxIn));
            }
        }
        int outs = lastPresent(n.getOutputList()) + 1;
        if (outs < a[2] || outs > a[3]) {
            throw new InvalidModelException(node + " has " + outs + " outputs; " + op + " has " + range(a[2], a[3]));
        }
    }

    private static int lastPresent(List<String> names) {
        for (int i = names.size() - 1; i >= 0; i--) {
            if (!names.get(i).isEmpty()) {
                return i;
            }
        }
        return -1;
    }

    private static String range(int min, int max) {
        return min == max ? Integer.toString(min) : max == MANY ? min + " or more" : min + " to " + max;
    }
}
