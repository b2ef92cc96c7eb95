package dev.gradcam.onnx.convert;

import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import java.util.ArrayList;
import java.util.List;

/**
 * Adapters for arguments that moved from attributes to inputs: Slice (10), TopK (10), Pad and Clip (11), Squeeze,
 * Unsqueeze, ReduceSum and Split (13), Upsample's scales (9). The values become constants; semantics are unchanged.
 */
final class InputMoves {

    private InputMoves() {
    }

    /**
     * Moves int-list attributes, in order, to the inputs after the existing ones; an absent attribute before a
     * present one leaves an empty (omitted optional) input.
     */
    static OpsetAdapter ints(String... attrs) {
        return (n, c) -> {
            NodeProto.Builder b = Conversion.without(n, attrs);
            List<String> extra = new ArrayList<>();
            for (String name : attrs) {
                AttributeProto a = Conversion.attr(n, name);
                extra.add(a == null ? "" : c.longs(n, name, Conversion.ints(a)));
            }
            addTrimmed(b, extra);
            return List.of(b.build());
        };
    }

    /** TopK-1's int attribute {@code k} to a [1] int64 input. */
    static List<NodeProto> topK(NodeProto n, Conversion c) {
        AttributeProto k = Conversion.attr(n, "k");
        if (k == null) {
            throw Conversion.refuse(n, 10, "it has no k");
        }
        return List.of(Conversion.without(n, "k").addInput(c.longs(n, "k", k.getI())).build());
    }

    /** Pad-2: pads (ints) and value (float, default 0) to inputs; mode stays an attribute. */
    static List<NodeProto> pad(NodeProto n, Conversion c) {
        AttributeProto pads = Conversion.attr(n, "pads");
        if (pads == null) {
            throw Conversion.refuse(n, 11, "it has no pads");
        }
        AttributeProto value = Conversion.attr(n, "value");
        NodeProto.Builder b = Conversion.without(n, "pads", "value").addInput(c.longs(n, "pads",
                Conversion.ints(pads)));
        if (value != null && value.getF() != 0) {
            b.addInput(c.reals(n, "value", c.elemType(n.getInput(0)), new long[0], value.getF()));
        }
        return List.of(b.build());
    }

    /** Clip-6: min and max (floats, default unbounded) to scalar inputs of the input's type. */
    static List<NodeProto> clip(NodeProto n, Conversion c) {
        AttributeProto min = Conversion.attr(n, "min");
        AttributeProto max = Conversion.attr(n, "max");
        int type = c.elemType(n.getInput(0));
        NodeProto.Builder b = Conversion.without(n, "min", "max");
        List<String> extra = new ArrayList<>();
        extra.add(min == null ? "" : c.reals(n, "min", type, new long[0], min.getF()));
        extra.add(max == null ? "" : c.reals(n, "max", type, new long[0], max.getF()));
        addTrimmed(b, extra);
        return List.of(b.build());
    }

    /** Upsample-7's float attribute {@code scales} to the input of Upsample-9. */
    static List<NodeProto> upsampleScales(NodeProto n, Conversion c) {
        AttributeProto s = Conversion.attr(n, "scales");
        if (s == null) {
            throw Conversion.refuse(n, 9, "it has no scales");
        }
        double[] v = new double[s.getFloatsCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = s.getFloats(i);
        }
        // Upsample's scales are float32 whatever the data type.
        String scales = c.reals(n, "scales", dev.gradcam.onnx.model.ElementType.FLOAT, new long[] {v.length}, v);
        return List.of(Conversion.without(n, "scales").addInput(scales).build());
    }

    private static void addTrimmed(NodeProto.Builder b, List<String> extra) {
        int last = extra.size();
        while (last > 0 && extra.get(last - 1).isEmpty()) {
            last--;
        }
        for (int i = 0; i < last; i++) {
            b.addInput(extra.get(i));
        }
    }
}
