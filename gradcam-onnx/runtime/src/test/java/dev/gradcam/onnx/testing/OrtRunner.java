package dev.gradcam.onnx.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a model on ONNX Runtime's CPU provider with float32 arrays, for tests. */
public final class OrtRunner implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public OrtRunner(ModelProto model) {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            so.setIntraOpNumThreads(1);
            this.session = env.createSession(model.toByteArray(), so);
        } catch (OrtException e) {
            throw new IllegalStateException("ORT rejected the model: " + e.getMessage(), e);
        }
    }

    /** Runs with named float inputs (data, dims) and returns the named outputs' data. */
    public Map<String, float[]> run(Map<String, float[]> inputs, Map<String, long[]> dims, List<String> outputs) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            for (var e : inputs.entrySet()) {
                feeds.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()), dims.get(e.getKey())));
            }
            try (OrtSession.Result r = session.run(feeds)) {
                Map<String, float[]> out = new HashMap<>();
                for (String o : outputs) {
                    OnnxTensor t = (OnnxTensor) r.get(o).orElseThrow();
                    FloatBuffer b = t.getFloatBuffer();
                    float[] a = new float[b.remaining()];
                    b.get(a);
                    out.put(o, a);
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ORT run failed: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
