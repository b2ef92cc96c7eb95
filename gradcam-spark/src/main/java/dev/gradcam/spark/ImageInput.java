package dev.gradcam.spark;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.image.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * The kinds of image column understood, told apart by the column's type: encoded file bytes (Spark's
 * {@code binaryFile} source, {@code content}), a path or URI read on the executor through Hadoop's file systems
 * ({@code file:}, {@code hdfs:}, {@code s3a:} ...), or the decoded struct of Spark's {@code image} source.
 */
enum ImageInput {
    BYTES, PATH, SPARK_IMAGE;

    /** The fields of Spark's image schema that decoding needs. */
    private static final List<String> IMAGE_FIELDS = List.of("height", "width", "nChannels", "data");

    /**
     * The kind for a column type.
     *
     * @throws InvalidInputException if the type is none of binary, string or Spark's image struct
     */
    static ImageInput of(String column, DataType type) {
        if (type instanceof BinaryType) {
            return BYTES;
        }
        if (type instanceof StringType) {
            return PATH;
        }
        if (type instanceof StructType s && Arrays.asList(s.fieldNames()).containsAll(IMAGE_FIELDS)) {
            return SPARK_IMAGE;
        }
        throw new InvalidInputException("image column '" + column + "' has type " + type.simpleString()
                + "; use encoded image bytes (binary, e.g. binaryFile's 'content'), a path (string) or the struct of "
                + "Spark's image source ('image')");
    }

    /**
     * Decodes the image in a row's column.
     *
     * @param name what to call the image in errors (its path when the row has one)
     * @throws ModelLoadException    if the image cannot be read or decoded
     * @throws InvalidInputException if the value is null or a Spark image struct has an unsupported layout
     */
    BufferedImage decode(Row row, int column, String name) {
        if (row.isNullAt(column)) {
            throw new InvalidInputException("image " + name + " is null");
        }
        return switch (this) {
            case BYTES -> Images.read((byte[]) row.get(column), name);
            case PATH -> Images.read(readPath(row.getString(column)), name);
            case SPARK_IMAGE -> fromSparkImage(row.getStruct(column), name);
        };
    }

    private static byte[] readPath(String uri) {
        Path path = new Path(uri);
        try (InputStream in = path.getFileSystem(HadoopConf.CONF).open(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ModelLoadException("cannot read image " + uri + ": " + e, e);
        }
    }

    /**
     * Spark's image source stores 8-bit pixels row by row in OpenCV's order: B, G, R (and A) or one grey channel.
     */
    private static BufferedImage fromSparkImage(Row image, String name) {
        int h = image.getInt(image.fieldIndex("height"));
        int w = image.getInt(image.fieldIndex("width"));
        int channels = image.getInt(image.fieldIndex("nChannels"));
        byte[] data = (byte[]) image.get(image.fieldIndex("data"));
        if (h < 1 || w < 1 || (channels != 1 && channels != 3 && channels != 4) || data == null
                || data.length != (long) h * w * channels) {
            throw new InvalidInputException("image " + name + " is not an 8-bit Spark image with 1, 3 or 4 channels: "
                    + "height " + h + ", width " + w + ", nChannels " + channels + ", "
                    + (data == null ? "no data" : data.length + " data bytes"));
        }
        if (channels == 1) {
            BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            grey.getRaster().setDataElements(0, 0, w, h, data);
            return grey;
        }
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] pixels = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int at = (y * w + x) * channels;
                pixels[x] = (data[at + 2] & 0xFF) << 16 | (data[at + 1] & 0xFF) << 8 | (data[at] & 0xFF);
            }
            rgb.setRGB(0, y, w, 1, pixels, 0, w);
        }
        return rgb;
    }

    /** Hadoop's settings (core-site.xml on the class path), read once per JVM. */
    private static final class HadoopConf {
        static final Configuration CONF = new Configuration();
    }
}
