package dev.gradcam.api.image;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.tensor.FloatTensor;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Entry point for images: read PNG/JPEG files, turn images into input tensors with a {@link Preprocessing}, turn
 * tensors back into images, write PNG.
 *
 * <p>Decoding uses {@code javax.imageio}, so PNG, JPEG, BMP and GIF work out of the box (grey, palette, 16-bit and
 * alpha images included; alpha is dropped). A missing or undecodable file is a {@link ModelLoadException} naming
 * the path; images of different sizes in one batch are an {@link InvalidInputException}. Tensors here hold one
 * image per batch entry, {@code [N, C, H, W]} or {@code [N, H, W, C]} per the preprocessing's layout. Stateless and
 * thread-safe.
 */
public final class Images {

    private Images() {
    }

    /**
     * The default most pixels {@link #read(Path)} decodes, 50 million (a 7071 x 7071 image: about 200 MB as ints).
     * The system property {@code gradcam.maxImagePixels} changes it; {@link #read(Path, long)} takes it per call.
     */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    /** The pixel limit in force: {@code gradcam.maxImagePixels} or {@link #DEFAULT_MAX_PIXELS}. */
    public static long maxPixels() {
        return Long.getLong("gradcam.maxImagePixels", DEFAULT_MAX_PIXELS);
    }

    /**
     * Reads an image file, refusing images above {@link #maxPixels()} before decoding them.
     *
     * @throws ModelLoadException    if the file is missing, unreadable or not an image format {@code javax.imageio}
     *                               decodes
     * @throws InvalidInputException if the header declares more pixels than the limit
     */
    public static BufferedImage read(Path path) {
        return read(path, maxPixels());
    }

    /**
     * Reads an image file, refusing it before decoding when its header declares more than {@code maxPixels} pixels
     * (a 148 KB PNG can declare 10000 x 10000 pixels and take gigabytes to decode).
     *
     * @throws ModelLoadException    as {@link #read(Path)}
     * @throws InvalidInputException if the header declares more pixels than {@code maxPixels}
     */
    public static BufferedImage read(Path path, long maxPixels) {
        InvalidArgumentException.requireNonNull(path, "path");
        InvalidArgumentException.check(maxPixels > 0, "maxPixels must be positive, got " + maxPixels);
        BufferedImage image;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
            // Memory-cached, so ImageIO writes no temporary files.
            try (ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
                image = decode(iis, path, maxPixels);
            }
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("no such image file: " + path.toAbsolutePath());
        } catch (InvalidInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot read image file " + path.toAbsolutePath() + ": " + e, e);
        }
        if (image == null) {
            throw new ModelLoadException("cannot decode image file " + path.toAbsolutePath()
                    + ": no javax.imageio reader recognises its format; readable formats: " + readableFormats());
        }
        return image;
    }

    /** Reads the header first (readers give the size without decoding), then decodes within the limit. */
    private static BufferedImage decode(ImageInputStream iis, Path path, long maxPixels) throws IOException {
        java.util.Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
        if (!readers.hasNext()) {
            return null;
        }
        ImageReader reader = readers.next();
        try {
            reader.setInput(iis, true, true);
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width * height > maxPixels) {
                throw new InvalidInputException("image " + path.toAbsolutePath() + " is " + width + " x " + height
                        + " = " + width * height + " pixels, above the limit of " + maxPixels + "; shrink it first, "
                        + "or raise the limit with the system property gradcam.maxImagePixels (e.g. "
                        + "JAVA_OPTS=-Dgradcam.maxImagePixels=200000000)");
            }
            return reader.read(0);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Decodes an encoded image (the bytes of a PNG, JPEG, BMP or GIF file), e.g. a row of Spark's
     * {@code binaryFile} source. Gives the same pixels as {@link #read(Path)} on a file with these bytes.
     *
     * @param encoded the file's bytes
     * @param name    what to call the image in errors, e.g. its path
     * @throws ModelLoadException if the bytes are not an image format {@code javax.imageio} decodes
     */
    public static BufferedImage read(byte[] encoded, String name) {
        InvalidArgumentException.requireNonNull(encoded, "encoded");
        InvalidArgumentException.requireNonNull(name, "name");
        BufferedImage image;
        try {
            // ImageIO.read closes the stream unless it returns null (then nothing is held but a byte array).
            image = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded)));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot decode image " + name + " (" + encoded.length + " bytes): " + e, e);
        }
        if (image == null) {
            throw new ModelLoadException("cannot decode image " + name + " (" + encoded.length + " bytes): no "
                    + "javax.imageio reader recognises its format; readable formats: " + readableFormats());
        }
        return image;
    }

    /**
     * Reads an image file into a one-image tensor, {@code [1, C, H, W]} or {@code [1, H, W, C]}.
     *
     * @throws ModelLoadException    if the file cannot be read (see {@link #read(Path)})
     * @throws InvalidInputException if the centre crop is larger than the (resized) image
     */
    public static FloatTensor load(Path path, Preprocessing preprocessing) {
        return toTensor(read(path), preprocessing);
    }

    /**
     * Reads image files into one batch, in the order given.
     *
     * @throws ModelLoadException    if a file cannot be read
     * @throws InvalidInputException if the images differ in size after preprocessing (set a target size with
     *                               {@link Preprocessing#withSize(int, int)}), or the list is empty
     */
    public static FloatTensor load(List<Path> paths, Preprocessing preprocessing) {
        InvalidArgumentException.requireNonNull(paths, "paths");
        List<FloatTensor> parts = new ArrayList<>(paths.size());
        List<String> names = new ArrayList<>(paths.size());
        for (Path p : paths) {
            parts.add(load(p, preprocessing));
            names.add(p.toString());
        }
        return concat(parts, names, preprocessing);
    }

    /**
     * An image as a one-image tensor, {@code [1, C, H, W]} or {@code [1, H, W, C]}.
     *
     * @throws InvalidInputException if the centre crop is larger than the (resized) image
     */
    public static FloatTensor toTensor(BufferedImage image, Preprocessing preprocessing) {
        InvalidArgumentException.requireNonNull(image, "image");
        InvalidArgumentException.requireNonNull(preprocessing, "preprocessing");
        return ImageTensors.toTensor(image, preprocessing);
    }

    /**
     * Images as one batch, in the order given.
     *
     * @throws InvalidInputException if the images differ in size after preprocessing, or the list is empty
     */
    public static FloatTensor toTensor(List<BufferedImage> images, Preprocessing preprocessing) {
        InvalidArgumentException.requireNonNull(images, "images");
        List<FloatTensor> parts = new ArrayList<>(images.size());
        List<String> names = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            parts.add(toTensor(images.get(i), preprocessing));
            names.add("image " + i);
        }
        return concat(parts, names, preprocessing);
    }

    /**
     * One image tensor back to an 8-bit image, undoing the preprocessing's value normalisation and channel order
     * (not its resize or crop): values become {@code (v * std + mean) * divisor}, rounded and clamped to 0..255.
     *
     * @param tensor {@code [1, C, H, W]} or {@code [C, H, W]} for NCHW, {@code [1, H, W, C]} or {@code [H, W, C]}
     *               for NHWC; C is 3 (gives an RGB image) or 1 (gives a grey image)
     * @throws InvalidInputException if the shape does not fit the preprocessing's layout and channels
     */
    public static BufferedImage toImage(FloatTensor tensor, Preprocessing preprocessing) {
        InvalidArgumentException.requireNonNull(tensor, "tensor");
        InvalidArgumentException.requireNonNull(preprocessing, "preprocessing");
        return ImageTensors.toImage(tensor, preprocessing);
    }

    /**
     * Every image of a batch {@code [N, ...]} back to an 8-bit image, as {@link #toImage(FloatTensor, Preprocessing)}.
     */
    public static List<BufferedImage> toImages(FloatTensor batch, Preprocessing preprocessing) {
        InvalidArgumentException.requireNonNull(batch, "batch");
        if (batch.shape().rank() != 4) {
            throw new InvalidInputException("expected an image batch of rank 4, got " + batch.shape());
        }
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < batch.shape().intDim(0); i++) {
            out.add(toImage(batch.slice(i), preprocessing));
        }
        return out;
    }

    /** Writes an image as PNG, creating parent folders; see {@link PngWriter#write(BufferedImage, Path)}. */
    public static void writePng(BufferedImage image, Path path) {
        PngWriter.write(image, path);
    }

    /**
     * Writes one image tensor as PNG after {@link #toImage(FloatTensor, Preprocessing)}, creating parent folders.
     */
    public static void writePng(FloatTensor image, Preprocessing preprocessing, Path path) {
        PngWriter.write(toImage(image, preprocessing), path);
    }

    private static FloatTensor concat(List<FloatTensor> parts, List<String> names, Preprocessing p) {
        if (parts.isEmpty()) {
            throw new InvalidInputException("no images given; a batch needs at least one");
        }
        FloatTensor first = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            if (!parts.get(i).shape().equals(first.shape())) {
                throw new InvalidInputException("images in one batch must have the same size after preprocessing: "
                        + names.get(0) + " gives " + describe(first, p) + " but " + names.get(i) + " gives "
                        + describe(parts.get(i), p)
                        + "; resize them to one size, e.g. preprocessing.withSize(224, 224)");
            }
        }
        return parts.size() == 1 ? first : FloatTensor.concat(parts);
    }

    private static String describe(FloatTensor t, Preprocessing p) {
        boolean nchw = p.layout() == TensorLayout.NCHW;
        return t.shape().dim(nchw ? 3 : 2) + "x" + t.shape().dim(nchw ? 2 : 1) + " (width x height)";
    }

    private static String readableFormats() {
        TreeSet<String> names = new TreeSet<>();
        for (String s : ImageIO.getReaderFormatNames()) {
            names.add(s.toLowerCase(java.util.Locale.ROOT));
        }
        return String.join(", ", names);
    }
}
