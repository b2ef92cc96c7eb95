package dev.gradcam.api.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The NumPy element types {@link Npy} can read, each with its conversion to float.
 *
 * <p>Integer types convert exactly while the value fits a float's 24-bit mantissa and are rounded to the nearest
 * float beyond; float64 is rounded to the nearest float32. Stateless and thread-safe.
 */
enum NpyDtype {
    BOOL('b', 1, "bool"),
    INT8('i', 1, "int8"),
    INT16('i', 2, "int16"),
    INT32('i', 4, "int32"),
    INT64('i', 8, "int64"),
    UINT8('u', 1, "uint8"),
    UINT16('u', 2, "uint16"),
    UINT32('u', 4, "uint32"),
    UINT64('u', 8, "uint64"),
    FLOAT16('f', 2, "float16"),
    FLOAT32('f', 4, "float32"),
    FLOAT64('f', 8, "float64");

    private final char kind;
    private final int itemSize;
    private final String numpyName;

    NpyDtype(char kind, int itemSize, String numpyName) {
        this.kind = kind;
        this.itemSize = itemSize;
        this.numpyName = numpyName;
    }

    /** Bytes per element. */
    int itemSize() {
        return itemSize;
    }

    /** The NumPy name, like {@code float32}. */
    String numpyName() {
        return numpyName;
    }

    /** The supported types as text for error messages: names and their type strings. */
    static String supportedList() {
        return Arrays.stream(values())
                .map(d -> d.numpyName + " ('" + (d.itemSize == 1 ? '|' : '<') + d.kind + d.itemSize + "')")
                .collect(Collectors.joining(", "))
                + "; little ('<') or big ('>') endian";
    }

    /**
     * The type for a kind character and item size, or null if unsupported.
     */
    static NpyDtype of(char kind, int itemSize) {
        for (NpyDtype d : values()) {
            if (d.kind == kind && d.itemSize == itemSize) {
                return d;
            }
        }
        return null;
    }

    /** A human name for a type string we do not support, to make the error message concrete. */
    static String describeUnsupported(char kind, String sizePart) {
        return switch (kind) {
            case 'c' -> "complex";
            case 'O' -> "Python objects";
            case 'U' -> "unicode strings";
            case 'S', 'a' -> "byte strings";
            case 'V' -> "raw void/structured records";
            case 'M' -> "datetime64";
            case 'm' -> "timedelta64";
            case 'f' -> "float of " + sizePart + " bytes";
            case 'i', 'u' -> "integer of " + sizePart + " bytes";
            default -> "unknown kind '" + kind + "'";
        };
    }

    /** Reads one element at the buffer's position (advancing it) and converts it to float. */
    float read(ByteBuffer in) {
        return switch (this) {
            case BOOL -> in.get() != 0 ? 1f : 0f;
            case INT8 -> in.get();
            case INT16 -> in.getShort();
            case INT32 -> in.getInt();
            case INT64 -> in.getLong();
            case UINT8 -> in.get() & 0xFF;
            case UINT16 -> in.getShort() & 0xFFFF;
            case UINT32 -> in.getInt() & 0xFFFF_FFFFL;
            case UINT64 -> unsignedLongToFloat(in.getLong());
            case FLOAT16 -> halfToFloat(in.getShort());
            case FLOAT32 -> in.getFloat();
            case FLOAT64 -> (float) in.getDouble();
        };
    }

    /** The byte order for a NumPy byte-order character ({@code <}, {@code >}, {@code |}, {@code =}). */
    static ByteOrder byteOrder(char c) {
        return switch (c) {
            case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> null;
        };
    }

    private static float unsignedLongToFloat(long v) {
        if (v >= 0) {
            return v;
        }
        // Top bit set: halve (keeping the low bit so rounding stays correct), convert, double.
        return 2f * (float) ((v >>> 1) | (v & 1));
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat arrived only in Java 20). */
    static float halfToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mant << 13));
        }
        if (exp == 0) {
            // Zero or subnormal: mant * 2^-24, exact in float.
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
