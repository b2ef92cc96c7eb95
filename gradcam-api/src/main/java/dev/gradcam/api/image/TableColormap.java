package dev.gradcam.api.image;

import java.util.HexFormat;
import java.util.List;

/**
 * A colormap given by 256 colours, indexed like {@code cv2.applyColorMap(np.uint8(255 * v))}. Immutable.
 */
final class TableColormap implements Colormap {

    static final TableColormap JET = new TableColormap("jet", ColormapTables.JET);
    static final TableColormap TURBO = new TableColormap("turbo", ColormapTables.TURBO);
    static final TableColormap VIRIDIS = new TableColormap("viridis", ColormapTables.VIRIDIS);
    static final TableColormap INFERNO = new TableColormap("inferno", ColormapTables.INFERNO);
    static final TableColormap GRAY = gray();

    static final List<TableColormap> ALL = List.of(JET, TURBO, VIRIDIS, INFERNO, GRAY);
    static final List<String> NAMES = ALL.stream().map(TableColormap::toString).toList();

    private final String name;
    private final int[] table;

    private TableColormap(String name, int[] table) {
        this.name = name;
        this.table = table;
    }

    private TableColormap(String name, String hex) {
        this(name, decode(hex));
    }

    private static int[] decode(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        if (bytes.length != 3 * 256) {
            throw new IllegalStateException("colormap table has " + bytes.length + " bytes, expected 768");
        }
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            table[i] = Pixels.pack(bytes[3 * i] & 0xFF, bytes[3 * i + 1] & 0xFF, bytes[3 * i + 2] & 0xFF);
        }
        return table;
    }

    private static TableColormap gray() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            table[i] = Pixels.pack(i, i, i);
        }
        return new TableColormap("gray", table);
    }

    /** The table entry for a level 0..255. */
    int entry(int level) {
        return table[level];
    }

    @Override
    public int rgb(float value) {
        if (Float.isNaN(value)) {
            return 0;
        }
        return table[Pixels.truncateToLevel(value)];
    }

    /** The colormap's name, like {@code jet}. */
    @Override
    public String toString() {
        return name;
    }
}
