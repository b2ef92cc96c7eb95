package dev.gradcam.onnx.runtime;

import dev.gradcam.api.layer.LayerLayout;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an {@link OnnxModel} tells its callers before a pass, and what a pass whose variant is in the compile cache
 * needs, without the model's graph: its inputs, outputs, layers and their layouts, bias layers, batch handling,
 * opset and producer, and, per input shape seen, the output shapes where shape inference found every layer and output
 * static. Derived from a model that passed validation ({@link ModelAnalysis}); kept in the compile cache under the
 * file's identity ({@link FileStamp}) so that a warm start neither reads, parses nor analyses the model.
 *
 * <p>Stored as a small binary file ending in the SHA-256 of its body; it names the format, the identity it was made
 * for and the code that made it ({@link #CODE}), so a damaged file, a changed model file or an upgraded gradcam never
 * gets one back ({@link #decode} returns null). Immutable.
 *
 * @param inputs       as {@link OnnxModel#inputs()} (a batch axis of 1 prepended for unbatched models)
 * @param outputs      as {@link OnnxModel#outputs()}
 * @param layers       as {@link OnnxModel#layers()}
 * @param layouts      each layer's detected layout (null entries where it holds no feature maps), in the order of
 *                     {@code layers}; null when not computed (a summary that is not stored)
 * @param biasLayers   FullGrad's bias layers, in topological order (their values need the graph)
 * @param unbatched    the only input has no batch axis
 * @param fixedBatch   the batch size the only image input fixes, or 0
 * @param batchAxis    the only input's leading dim is an open batch axis (what batch-symbolic variants need)
 * @param opset        the default-domain opset
 * @param producer     producer name and version
 * @param staticShapes per input shape key (as {@code OnnxModel.shapeKey}), the model outputs' shapes there, for the
 *                     keys at which shape inference left the graph as it is and found every layer and output static
 */
record ModelSummary(List<ValueInfo> inputs, List<ValueInfo> outputs, List<LayerInfo> layers,
                    List<LayerLayout> layouts, List<String> biasLayers, boolean unbatched, int fixedBatch,
                    boolean batchAxis, int opset, String producer, Map<List<Long>, List<Shape>> staticShapes) {

    /** Bump when the layout of the file or what it holds changes. */
    private static final String FORMAT = "gradcam-model-summary-1";
    /**
     * The code that analyses models: the locations, sizes and modification times of the jars of this module, the
     * model module and the API (in a build's class folders, of three of their classes). A summary made by other code
     * is not used.
     */
    static final String CODE = codeIdentity();
    /** At most how many input shapes a summary remembers. */
    static final int MAX_SHAPES = 16;

    ModelSummary {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        layers = List.copyOf(layers);
        layouts = layouts == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(layouts));
        biasLayers = List.copyOf(biasLayers);
        staticShapes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(staticShapes));
    }

    /** This summary with the output shapes at one more input shape (unchanged when full or already known). */
    ModelSummary withStaticShapes(List<Long> key, List<Shape> outputShapes) {
        if (staticShapes.containsKey(key) || staticShapes.size() >= MAX_SHAPES) {
            return this;
        }
        Map<List<Long>, List<Shape>> m = new LinkedHashMap<>(staticShapes);
        m.put(List.copyOf(key), List.copyOf(outputShapes));
        return new ModelSummary(inputs, outputs, layers, layouts, biasLayers, unbatched, fixedBatch, batchAxis, opset,
                producer, m);
    }

    /** The layer names, for membership tests. */
    Set<String> layerNames() {
        Set<String> names = new LinkedHashSet<>();
        for (LayerInfo l : layers) {
            names.add(l.name());
        }
        return java.util.Collections.unmodifiableSet(names);
    }

    /** The stored form, for the file identity {@code stampId}; {@link #layouts} must be set. */
    byte[] encode(String stampId) {
        if (layouts == null) {
            throw new IllegalStateException("a stored summary holds the layers' layouts");
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            writeString(out, FORMAT);
            writeString(out, CODE);
            writeString(out, stampId);
            writeValues(out, inputs);
            writeValues(out, outputs);
            out.writeInt(layers.size());
            for (int i = 0; i < layers.size(); i++) {
                LayerInfo l = layers.get(i);
                writeString(out, l.name());
                writeString(out, l.node());
                writeString(out, l.op());
                writeDims(out, l.shape().dims());
                LayerLayout layout = layouts.get(i);
                out.writeInt(layout == null ? -1 : layout.kind().ordinal());
                if (layout != null) {
                    out.writeInt(layout.leadingTokens());
                    out.writeInt(layout.gridHeight());
                    out.writeInt(layout.gridWidth());
                }
            }
            out.writeInt(biasLayers.size());
            for (String b : biasLayers) {
                writeString(out, b);
            }
            out.writeBoolean(unbatched);
            out.writeInt(fixedBatch);
            out.writeBoolean(batchAxis);
            out.writeInt(opset);
            writeString(out, producer);
            out.writeInt(staticShapes.size());
            for (Map.Entry<List<Long>, List<Shape>> e : staticShapes.entrySet()) {
                writeDims(out, e.getKey().stream().mapToLong(Long::longValue).toArray());
                out.writeInt(e.getValue().size());
                for (Shape s : e.getValue()) {
                    writeDims(out, s.dims());
                }
            }
            out.flush();
            byte[] body = bytes.toByteArray();
            byte[] all = Arrays.copyOf(body, body.length + 32);
            System.arraycopy(sha256(body, body.length), 0, all, body.length, 32);
            return all;
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
    }

    /**
     * The summary stored in {@code data}, or null when it is damaged, of another format, made by other code or for
     * another file identity than {@code stampId}.
     */
    static ModelSummary decode(byte[] data, String stampId) {
        if (data.length < 32) {
            return null;
        }
        int n = data.length - 32;
        if (!MessageDigest.isEqual(sha256(data, n), Arrays.copyOfRange(data, n, data.length))) {
            return null;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, n));
            if (!FORMAT.equals(readString(in)) || !CODE.equals(readString(in)) || !stampId.equals(readString(in))) {
                return null;
            }
            List<ValueInfo> inputs = readValues(in);
            List<ValueInfo> outputs = readValues(in);
            int layerCount = count(in);
            List<LayerInfo> layers = new ArrayList<>(layerCount);
            List<LayerLayout> layouts = new ArrayList<>(layerCount);
            for (int i = 0; i < layerCount; i++) {
                layers.add(new LayerInfo(readString(in), readString(in), readString(in), Shape.of(readDims(in))));
                int kind = in.readInt();
                layouts.add(kind < 0 ? null : layout(LayerLayout.Kind.values()[kind], in.readInt(), in.readInt(),
                        in.readInt()));
            }
            int biasCount = count(in);
            List<String> bias = new ArrayList<>(biasCount);
            for (int i = 0; i < biasCount; i++) {
                bias.add(readString(in));
            }
            boolean unbatched = in.readBoolean();
            int fixedBatch = in.readInt();
            boolean batchAxis = in.readBoolean();
            int opset = in.readInt();
            String producer = readString(in);
            int shapeCount = count(in);
            Map<List<Long>, List<Shape>> shapes = new LinkedHashMap<>();
            for (int i = 0; i < shapeCount; i++) {
                List<Long> key = Arrays.stream(readDims(in)).boxed().toList();
                int k = count(in);
                List<Shape> outs = new ArrayList<>(k);
                for (int j = 0; j < k; j++) {
                    outs.add(Shape.of(readDims(in)));
                }
                shapes.put(key, outs);
            }
            if (in.available() != 0) {
                return null;
            }
            return new ModelSummary(inputs, outputs, layers, layouts, bias, unbatched, fixedBatch, batchAxis, opset,
                    producer, shapes);
        } catch (IOException | RuntimeException e) {
            return null; // damaged in a way the checksum cannot see (it can only be a bug): rebuilt
        }
    }

    private static LayerLayout layout(LayerLayout.Kind kind, int leading, int height, int width) {
        return switch (kind) {
            case CHANNELS_FIRST -> LayerLayout.channelsFirst();
            case CHANNELS_LAST -> LayerLayout.channelsLast();
            case TOKENS -> LayerLayout.tokens(leading, height, width);
        };
    }

    private static void writeValues(DataOutputStream out, List<ValueInfo> values) throws IOException {
        out.writeInt(values.size());
        for (ValueInfo v : values) {
            writeString(out, v.name());
            writeDims(out, v.shape().dims());
            writeString(out, v.elementType());
        }
    }

    private static List<ValueInfo> readValues(DataInputStream in) throws IOException {
        int n = count(in);
        List<ValueInfo> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new ValueInfo(readString(in), Shape.of(readDims(in)), readString(in)));
        }
        return out;
    }

    private static void writeDims(DataOutputStream out, long[] dims) throws IOException {
        out.writeInt(dims.length);
        for (long d : dims) {
            out.writeLong(d);
        }
    }

    private static long[] readDims(DataInputStream in) throws IOException {
        long[] d = new long[count(in)];
        for (int i = 0; i < d.length; i++) {
            d[i] = in.readLong();
        }
        return d;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[count(in)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A length or count; negative or beyond what the file can hold is damage. */
    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad count " + n);
        }
        return n;
    }

    private static byte[] sha256(byte[] data, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String codeIdentity() {
        StringBuilder sb = new StringBuilder(FORMAT);
        Set<String> seen = new LinkedHashSet<>();
        for (Class<?> c : List.of(OnnxModel.class, dev.gradcam.onnx.graph.Layers.class, LayerInfo.class)) {
            try {
                var src = c.getProtectionDomain().getCodeSource();
                Path p = Path.of(src.getLocation().toURI());
                if (Files.isDirectory(p)) {
                    p = p.resolve(c.getName().replace('.', '/') + ".class"); // a build's class folder
                }
                if (seen.add(p.toString())) {
                    sb.append('|').append(p).append('|').append(Files.size(p)).append('|')
                            .append(Files.getLastModifiedTime(p).toMillis());
                }
            } catch (IOException | URISyntaxException | RuntimeException e) {
                sb.append("|unknown:").append(c.getName()).append('|').append(System.nanoTime()); // never matches
            }
        }
        return sb.toString();
    }
}
