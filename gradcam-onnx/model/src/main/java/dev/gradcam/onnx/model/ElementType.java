package dev.gradcam.onnx.model;

/** ONNX element type codes ({@code TensorProto.DataType}) and what gradcam needs to know about them. */
public final class ElementType {

    public static final int UNDEFINED = 0;
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT8 = 3;
    public static final int UINT16 = 4;
    public static final int INT16 = 5;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int STRING = 8;
    public static final int BOOL = 9;
    public static final int FLOAT16 = 10;
    public static final int DOUBLE = 11;
    public static final int UINT32 = 12;
    public static final int UINT64 = 13;
    public static final int BFLOAT16 = 16;

    private ElementType() {
    }

    /** True for the floating types gradients can flow through. */
    public static boolean isFloating(int type) {
        return type == FLOAT || type == DOUBLE || type == FLOAT16 || type == BFLOAT16;
    }

    /** True for integer and boolean types. */
    public static boolean isInteger(int type) {
        return switch (type) {
            case UINT8, INT8, UINT16, INT16, INT32, INT64, BOOL, UINT32, UINT64 -> true;
            default -> false;
        };
    }

    /** Bytes per element in {@code raw_data}; 0 where not fixed. */
    public static int byteSize(int type) {
        return switch (type) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16, FLOAT16, BFLOAT16 -> 2;
            case FLOAT, INT32, UINT32 -> 4;
            case INT64, UINT64, DOUBLE -> 8;
            default -> 0;
        };
    }

    /** A readable name such as {@code float32}. */
    public static String name(int type) {
        return switch (type) {
            case FLOAT -> "float32";
            case UINT8 -> "uint8";
            case INT8 -> "int8";
            case UINT16 -> "uint16";
            case INT16 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case STRING -> "string";
            case BOOL -> "bool";
            case FLOAT16 -> "float16";
            case DOUBLE -> "float64";
            case UINT32 -> "uint32";
            case UINT64 -> "uint64";
            case BFLOAT16 -> "bfloat16";
            case UNDEFINED -> "undefined";
            default -> "type" + type;
        };
    }

    /** IEEE half precision bits to float. */
    public static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // Subnormal half: value = mant * 2^-24.
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
