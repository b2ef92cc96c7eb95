package dev.gradcam.onnx.model;

import com.google.protobuf.ByteString;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.StringStringEntryProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tensors whose bytes live in files beside the model ({@code data_location = EXTERNAL}, with {@code location},
 * {@code offset} and {@code length} entries, as the ONNX external-data convention defines them).
 */
public final class ExternalData {

    private ExternalData() {
    }

    /** True if any initializer or Constant tensor of the main graph is stored externally. */
    public static boolean uses(ModelProto model) {
        GraphProto g = model.getGraph();
        for (TensorProto t : g.getInitializerList()) {
            if (isExternal(t)) {
                return true;
            }
        }
        for (NodeProto n : g.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasT() && isExternal(a.getT())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True if the tensor's bytes are in an external file. */
    public static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /**
     * A copy of {@code model} with every external tensor's bytes read into {@code raw_data}.
     *
     * @param baseDir the folder that external locations are relative to (the model file's folder)
     * @throws ModelLoadException if a location escapes {@code baseDir}, or a file is missing or too short
     */
    public static ModelProto inline(ModelProto model, Path baseDir) {
        if (!uses(model)) {
            return model;
        }
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (isExternal(t)) {
                g.setInitializer(i, load(t, baseDir));
            }
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            NodeProto.Builder nb = null;
            for (int j = 0; j < n.getAttributeCount(); j++) {
                AttributeProto a = n.getAttribute(j);
                if (a.hasT() && isExternal(a.getT())) {
                    if (nb == null) {
                        nb = n.toBuilder();
                    }
                    nb.setAttribute(j, a.toBuilder().setT(load(a.getT(), baseDir)));
                }
            }
            if (nb != null) {
                g.setNode(i, nb);
            }
        }
        return model.toBuilder().setGraph(g).build();
    }

    private static TensorProto load(TensorProto t, Path baseDir) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(t, e);
                case "length" -> length = parseLong(t, e);
                default -> {
                    // "checksum" and future keys carry nothing we need to load the bytes.
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw new ModelLoadException("tensor '" + t.getName() + "' is marked external but has no location");
        }
        Path base = baseDir.toAbsolutePath().normalize();
        Path file = base.resolve(location).normalize();
        if (!file.startsWith(base)) {
            throw new ModelLoadException("external data location '" + location + "' of tensor '" + t.getName()
                    + "' points outside the model's folder " + base);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long n = length >= 0 ? length : size - offset;
            if (offset < 0 || n < 0 || offset + n > size || n > Integer.MAX_VALUE) {
                throw new ModelLoadException("external data of tensor '" + t.getName() + "' wants bytes [" + offset
                        + ", " + (offset + n) + ") but " + file + " has " + size + " bytes");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) n);
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    break;
                }
            }
            buf.flip();
            return t.toBuilder().clearExternalData().clearDataLocation().setRawData(ByteString.copyFrom(buf)).build();
        } catch (IOException e) {
            throw new ModelLoadException("cannot read external data of tensor '" + t.getName() + "' from " + file
                    + ": " + e, e);
        }
    }

    private static long parseLong(TensorProto t, StringStringEntryProto e) {
        try {
            return Long.parseLong(e.getValue().trim());
        } catch (NumberFormatException ex) {
            throw new ModelLoadException("external data entry " + e.getKey() + "='" + e.getValue() + "' of tensor '"
                    + t.getName() + "' is not a number", ex);
        }
    }
}
