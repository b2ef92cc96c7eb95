package dev.gradcam.onnx.model;

import dev.gradcam.api.InvalidModelException;
import dev.gradcam.onnx.proto.Onnx.TensorProto;

/**
 * Checks a stored tensor (initializer or attribute) before anything decodes it: a known element type, non-negative
 * dims whose product fits in an int (overflow-safe), and exactly as much data as the dims need, in the storage field
 * the element type uses.
 */
public final class TensorCheck {

    /** Newest element type code ONNX Runtime 1.24 knows (the float8 and 4-bit types included). */
    private static final int MAX_TYPE = 23;

    private TensorCheck() {
    }

    /**
     * @param where e.g. "initializer 'conv1.weight'" or "attribute 'value' of Constant 'c1'"
     * @throws InvalidModelException naming {@code where} and what is wrong
     */
    public static void check(TensorProto t, String where) {
        int type = t.getDataType();
        if (type <= ElementType.UNDEFINED || type > MAX_TYPE) {
            throw new InvalidModelException(where + " has element type " + type + ", which is not an ONNX type; valid "
                    + "types are 1 to " + MAX_TYPE + " (1 = float32)");
        }
        long count = count(t, where);
        if (ExternalData.isExternal(t)) {
            return;
        }
        long need;
        long have;
        String field;
        if (t.hasRawData()) {
            int size = ElementType.byteSize(type);
            if (size == 0) {
                if (type == ElementType.STRING) {
                    throw new InvalidModelException(where + " is a string tensor stored as raw_data; strings go in "
                            + "string_data");
                }
                return; // Packed sub-byte and complex types: ONNX Runtime checks their raw sizes itself.
            }
            need = Math.multiplyHigh(count, size) != 0 ? Long.MAX_VALUE : count * size;
            have = t.getRawData().size();
            field = "bytes of raw_data";
        } else {
            field = switch (type) {
                case ElementType.FLOAT -> "float_data values";
                case ElementType.DOUBLE -> "double_data values";
                case ElementType.INT64 -> "int64_data values";
                case ElementType.UINT32, ElementType.UINT64 -> "uint64_data values";
                case ElementType.STRING -> "string_data values";
                case 14 -> "float_data values (real and imaginary parts)";
                case 15 -> "double_data values (real and imaginary parts)";
                default -> "int32_data values";
            };
            have = switch (type) {
                case ElementType.FLOAT, 14 -> t.getFloatDataCount();
                case ElementType.DOUBLE, 15 -> t.getDoubleDataCount();
                case ElementType.INT64 -> t.getInt64DataCount();
                case ElementType.UINT32, ElementType.UINT64 -> t.getUint64DataCount();
                case ElementType.STRING -> t.getStringDataCount();
                default -> t.getInt32DataCount();
            };
            need = type == 14 || type == 15 ? 2 * count : count;
            if (type > ElementType.BFLOAT16 && have == 0) {
                return; // The newer packed types: not ours to decode, ONNX Runtime checks them.
            }
        }
        if (have != need) {
            throw new InvalidModelException(where + " has dims " + dims(t) + " (" + count + " elements of "
                    + ElementType.name(type) + ") and so needs " + need + " " + field + ", but holds " + have);
        }
    }

    /** The element count, checking every dim is >= 0 and the product fits in an int. */
    public static long count(TensorProto t, String where) {
        long n = 1;
        boolean zero = false;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                throw new InvalidModelException(where + " has dims " + dims(t) + ": stored tensor dims must be >= 0");
            }
            if (d == 0) {
                zero = true;
            } else if (!zero) {
                n = Math.multiplyHigh(n, d) != 0 || n * d > Integer.MAX_VALUE ? Long.MAX_VALUE : n * d;
            }
        }
        if (zero) {
            return 0;
        }
        if (n > Integer.MAX_VALUE) {
            throw new InvalidModelException(where + " has dims " + dims(t) + ": more than " + Integer.MAX_VALUE
                    + " elements, which no ONNX tensor can hold");
        }
        return n;
    }

    private static String dims(TensorProto t) {
        return t.getDimsList().toString();
    }
}
