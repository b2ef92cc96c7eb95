package dev.gradcam.onnx.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.TensorShapeProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Makes hostile variants of an ONNX file: byte-level damage (flips, overwrites, truncation, inserted and deleted runs)
 * and protobuf-aware edits that keep the file parseable but break the model (dims of initializers and inputs,
 * attribute values and types, opset, node inputs and outputs, element types, operator types, graph outputs).
 * Deterministic: a mutant is a function of the original bytes and the seed, so any finding can be replayed.
 */
public final class OnnxMutator {

    /** The values that break size arithmetic: signs, zero, one, powers near overflow. */
    private static final long[] INTERESTING = {-1, 0, 1, 2, 3, 7, 1000, 65536, -1000, Integer.MAX_VALUE,
        (long) Integer.MAX_VALUE + 1, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final String[] OPS = {"Conv", "Relu", "MaxPool", "AveragePool", "Gemm", "MatMul", "Add",
        "BatchNormalization", "Flatten", "Reshape", "Concat", "GlobalAveragePool", "Constant", "Softmax", "Transpose",
        "Squeeze", "Unsqueeze", "Slice", "Gather", "Resize", "Pad", "ReduceMean", "Split", "Mul", "Identity",
        "NoSuchOp"};
    private static final int[] ELEMENT_TYPES = {0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 13, 14, 16, 99, -1};

    /** One mutant: its bytes and what was done, for the report. */
    public record Mutant(byte[] bytes, String description) {
    }

    private final byte[] original;
    private final ModelProto model;

    public OnnxMutator(byte[] original) {
        this.original = original.clone();
        try {
            this.model = ModelProto.parseFrom(original);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("the seed file is not an ONNX model", e);
        }
    }

    /** The mutant for {@code seed}: one to three edits, protobuf-aware two times in three. */
    public Mutant mutate(long seed) {
        Random r = new Random(seed);
        if (r.nextInt(3) == 0) {
            return byteLevel(r);
        }
        ModelProto.Builder m = model.toBuilder();
        List<String> done = new ArrayList<>();
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits; e++) {
            done.add(protoEdit(m, r));
        }
        return new Mutant(m.build().toByteArray(), String.join("; ", done));
    }

    private Mutant byteLevel(Random r) {
        byte[] b = original.clone();
        int kind = r.nextInt(5);
        switch (kind) {
            case 0 -> {
                int flips = 1 + r.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return new Mutant(b, "byte flips x" + flips);
            }
            case 1 -> {
                int at = r.nextInt(b.length);
                b[at] = (byte) new int[] {0x00, 0xff, 0x7f, 0x80}[r.nextInt(4)];
                return new Mutant(b, "byte overwrite at " + at);
            }
            case 2 -> {
                int len = r.nextInt(b.length);
                return new Mutant(Arrays.copyOf(b, len), "truncated to " + len + " bytes");
            }
            case 3 -> {
                int at = r.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + r.nextInt(64));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, b.length - at - len);
                return new Mutant(out, "deleted " + len + " bytes at " + at);
            }
            default -> {
                int at = r.nextInt(b.length);
                byte[] junk = new byte[1 + r.nextInt(16)];
                r.nextBytes(junk);
                byte[] out = new byte[b.length + junk.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(junk, 0, out, at, junk.length);
                System.arraycopy(b, at, out, at + junk.length, b.length - at);
                return new Mutant(out, "inserted " + junk.length + " bytes at " + at);
            }
        }
    }

    private static long interesting(Random r) {
        return r.nextInt(4) == 0 ? r.nextInt(17) - 4 : INTERESTING[r.nextInt(INTERESTING.length)];
    }

    private static String protoEdit(ModelProto.Builder m, Random r) {
        GraphProto.Builder g = m.getGraphBuilder();
        int nodes = g.getNodeCount();
        switch (r.nextInt(12)) {
            case 0 -> {
                long v = r.nextInt(2) == 0 ? r.nextInt(30) : interesting(r);
                m.getOpsetImportBuilder(0).setVersion(v);
                return "opset " + v;
            }
            case 1 -> {
                if (g.getInitializerCount() == 0) {
                    return "no initializer";
                }
                int i = r.nextInt(g.getInitializerCount());
                TensorProto.Builder t = g.getInitializerBuilder(i);
                return "initializer " + t.getName() + ": " + tensorEdit(t, r);
            }
            case 2 -> {
                ValueInfoProto.Builder in = g.getInputBuilder(0);
                TensorShapeProto.Builder s = in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                int k = r.nextInt(5);
                if (k == 0 && s.getDimCount() > 0) {
                    s.removeDim(r.nextInt(s.getDimCount()));
                    return "input rank -1";
                } else if (k == 1) {
                    s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(interesting(r)));
                    return "input rank +1";
                } else if (k == 2) {
                    int t = ELEMENT_TYPES[r.nextInt(ELEMENT_TYPES.length)];
                    in.getTypeBuilder().getTensorTypeBuilder().setElemType(t);
                    return "input element type " + t;
                } else if (s.getDimCount() > 0) {
                    int d = r.nextInt(s.getDimCount());
                    long v = interesting(r);
                    s.getDimBuilder(d).setDimValue(v);
                    return "input dim " + d + " = " + v;
                }
                return "input unchanged";
            }
            case 3, 4, 5 -> {
                NodeProto.Builder n = g.getNodeBuilder(r.nextInt(nodes));
                return "node " + n.getName() + ": " + attributeEdit(n, r);
            }
            case 6 -> {
                NodeProto.Builder n = g.getNodeBuilder(r.nextInt(nodes));
                if (n.getInputCount() == 0) {
                    n.addInput("fuzz_undefined");
                    return "node " + n.getName() + " reads an undefined value";
                }
                int i = r.nextInt(n.getInputCount());
                int k = r.nextInt(4);
                if (k == 0) {
                    n.setInput(i, "fuzz_undefined");
                } else if (k == 1) {
                    // Any node's output: often a later one, which makes a cycle.
                    NodeProto other = g.getNode(r.nextInt(nodes));
                    n.setInput(i, other.getOutputCount() > 0 ? other.getOutput(0) : "");
                } else if (k == 2) {
                    List<String> ins = new ArrayList<>(n.getInputList());
                    ins.remove(i);
                    n.clearInput().addAllInput(ins);
                } else {
                    n.addInput(n.getInput(i));
                }
                return "node " + n.getName() + " input edit " + k;
            }
            case 7 -> {
                NodeProto.Builder n = g.getNodeBuilder(r.nextInt(nodes));
                int k = r.nextInt(3);
                if (k == 0) {
                    n.clearOutput();
                } else if (k == 1) {
                    n.addOutput(n.getOutputCount() > 0 ? n.getOutput(0) : "x");
                } else {
                    NodeProto other = g.getNode(r.nextInt(nodes));
                    n.clearOutput().addAllOutput(other.getOutputList());
                }
                return "node " + n.getName() + " output edit " + k;
            }
            case 8 -> {
                int k = r.nextInt(3);
                if (k == 0) {
                    g.clearOutput();
                } else if (k == 1 && g.getOutputCount() > 0) {
                    g.getOutputBuilder(0).setName("fuzz_missing_output");
                } else if (g.getOutputCount() > 0) {
                    g.getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
                            .setElemType(ELEMENT_TYPES[r.nextInt(ELEMENT_TYPES.length)]);
                }
                return "graph output edit " + k;
            }
            case 9 -> {
                NodeProto.Builder n = g.getNodeBuilder(r.nextInt(nodes));
                String op = OPS[r.nextInt(OPS.length)];
                String was = n.getOpType();
                n.setOpType(op);
                return "node " + n.getName() + " " + was + " -> " + op;
            }
            case 10 -> {
                int i = r.nextInt(nodes);
                String name = g.getNode(i).getName();
                g.removeNode(i);
                return "removed node " + name;
            }
            default -> {
                // The duplicate-name and unnamed cases.
                NodeProto.Builder n = g.getNodeBuilder(r.nextInt(nodes));
                n.setName(r.nextBoolean() ? "" : g.getNode(r.nextInt(nodes)).getName());
                return "node renamed to '" + n.getName() + "'";
            }
        }
    }

    private static String tensorEdit(TensorProto.Builder t, Random r) {
        int k = r.nextInt(6);
        if (k == 0 && t.getDimsCount() > 0) {
            int d = r.nextInt(t.getDimsCount());
            long v = interesting(r);
            t.setDims(d, v);
            return "dim " + d + " = " + v;
        } else if (k == 1) {
            t.addDims(interesting(r));
            return "extra dim";
        } else if (k == 2 && t.getDimsCount() > 0) {
            List<Long> dims = new ArrayList<>(t.getDimsList());
            dims.remove(r.nextInt(dims.size()));
            t.clearDims().addAllDims(dims);
            return "dim removed";
        } else if (k == 3) {
            int type = ELEMENT_TYPES[r.nextInt(ELEMENT_TYPES.length)];
            t.setDataType(type);
            return "data type " + type;
        } else if (k == 4 && t.hasRawData()) {
            ByteString raw = t.getRawData();
            int len = r.nextInt(raw.size() + 1);
            t.setRawData(raw.substring(0, len));
            return "raw data cut to " + len;
        }
        t.clearRawData();
        return "raw data cleared";
    }

    private static String attributeEdit(NodeProto.Builder n, Random r) {
        if (n.getAttributeCount() == 0 || r.nextInt(6) == 0) {
            String[] names = {"strides", "kernel_shape", "pads", "dilations", "group", "axis", "axes", "value", "to",
                "perm", "epsilon", "alpha", "beta", "transA", "transB", "auto_pad", "mode", "keepdims"};
            String name = names[r.nextInt(names.length)];
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
            randomValue(a, r);
            n.addAttribute(a);
            return "added " + name + " (" + a.getType() + ")";
        }
        int i = r.nextInt(n.getAttributeCount());
        AttributeProto.Builder a = n.getAttributeBuilder(i);
        int k = r.nextInt(5);
        if (k == 0) {
            n.removeAttribute(i);
            return "removed " + a.getName();
        } else if (k == 1 && a.getIntsCount() > 0) {
            int j = r.nextInt(a.getIntsCount());
            long v = interesting(r);
            a.setInts(j, v);
            return a.getName() + "[" + j + "] = " + v;
        } else if (k == 2 && a.getIntsCount() > 0) {
            if (r.nextBoolean()) {
                a.addInts(interesting(r));
            } else {
                List<Long> ints = new ArrayList<>(a.getIntsList());
                ints.remove(r.nextInt(ints.size()));
                a.clearInts().addAllInts(ints);
            }
            return a.getName() + " length changed";
        } else if (k == 3) {
            // Same name, another type: the Constant 'value' as ints is the classic native crash.
            String name = a.getName();
            a.clear().setName(name);
            randomValue(a, r);
            return name + " retyped to " + a.getType();
        }
        long v = interesting(r);
        a.setI(v);
        a.setF(r.nextBoolean() ? Float.NaN : v);
        return a.getName() + " i/f = " + v;
    }

    private static void randomValue(AttributeProto.Builder a, Random r) {
        switch (r.nextInt(5)) {
            case 0 -> a.setType(AttributeProto.AttributeType.INT).setI(interesting(r));
            case 1 -> a.setType(AttributeProto.AttributeType.FLOAT).setF((float) interesting(r));
            case 2 -> {
                a.setType(AttributeProto.AttributeType.INTS);
                int len = r.nextInt(6);
                for (int j = 0; j < len; j++) {
                    a.addInts(interesting(r));
                }
            }
            case 3 -> a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("FUZZ"));
            default -> {
                TensorProto.Builder t = TensorProto.newBuilder().setDataType(ELEMENT_TYPES[r.nextInt(
                        ELEMENT_TYPES.length)]);
                int rank = r.nextInt(3);
                for (int j = 0; j < rank; j++) {
                    t.addDims(r.nextInt(4) == 0 ? interesting(r) : r.nextInt(4));
                }
                byte[] raw = new byte[r.nextInt(64)];
                r.nextBytes(raw);
                a.setType(AttributeProto.AttributeType.TENSOR).setT(t.setRawData(ByteString.copyFrom(raw)));
            }
        }
    }
}
