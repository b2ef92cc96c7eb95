package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.model.ElementType;
import java.util.List;
import java.util.Map;

/**
 * The backward rule of opset 23's {@code Attention}: scaled dot-product attention Y = softmax(scale Q K^T + bias) V
 * per head, on 4-D [B, H, S, d] inputs or 3-D [B, S, H * d] ones split by {@code q_num_heads} / {@code kv_num_heads};
 * the key/value cache (past_key, past_value prepended on the sequence axis), grouped-query heads (each K/V head
 * shared by {@code q_num_heads / kv_num_heads} consecutive query heads), {@code softcap}, a boolean or additive
 * {@code attn_mask} and {@code is_causal} (aligned to the end of the past). The probabilities are recomputed from
 * the node's inputs (the node does not expose them), then the chain runs back through the second MatMul, the
 * Softmax, the optional softcap and the first MatMul. Gradients reach Q, K, V, past_key and past_value; the mask is
 * not differentiable, and nothing flows back from qk_matmul_output.
 */
final class AttentionRule {

    private static final long[] SWAP_LAST = {0, 1, 3, 2};
    private static final long[] HEADS_FIRST = {0, 2, 1, 3};

    private AttentionRule() {
    }

    static void register(Map<String, BackwardRule> rules) {
        rules.put("Attention", AttentionRule::backward);
    }

    static void backward(BackwardContext c) {
        if (c.gradient(3) != null) {
            throw c.unsupported("a gradient reaches its qk_matmul_output (output 3); only Y, present_key and "
                    + "present_value are differentiable");
        }
        if (c.needsGradient(3)) {
            throw c.unsupported("its attn_mask depends on the model input; only Q, K, V, past_key and past_value "
                    + "are differentiable");
        }
        if (c.node().hasInput(6)) {
            throw c.unsupported("nonpad_kv_seqlen (opset 24) is not supported");
        }
        if (c.node().hasInput(4) != c.node().hasInput(5)) {
            throw c.unsupported("past_key and past_value must be given together");
        }
        Emitter e = c.emit();
        long[] qd = c.dims(c.input(0));
        boolean flat = qd.length == 3;
        long hq = flat ? c.node().attrInt("q_num_heads", 0) : qd[1];
        long[] kd = c.dims(c.input(1));
        long[] vd = c.dims(c.input(2));
        long hkv = flat ? c.node().attrInt("kv_num_heads", 0) : kd[1];
        if (hq <= 0 || hkv <= 0 || hq % hkv != 0) {
            throw c.unsupported("q_num_heads (" + hq + ") must be a positive multiple of kv_num_heads (" + hkv
                    + ")" + (flat ? "; 3-D inputs need both attributes" : ""));
        }
        String q = flat ? split(e, c.input(0), qd, hq) : c.input(0);
        String k = flat ? split(e, c.input(1), kd, hkv) : c.input(1);
        String v = flat ? split(e, c.input(2), vd, hkv) : c.input(2);
        long[] q4 = flat ? splitDims(qd, hq) : qd;
        long[] kAll = flat ? splitDims(kd, hkv) : kd.clone();
        long[] vAll = flat ? splitDims(vd, hkv) : vd.clone();
        long past = 0;
        if (c.node().hasInput(4)) {
            past = c.dims(c.input(4))[2];
            k = e.concat(List.of(c.input(4), k), 2);
        }
        if (c.node().hasInput(5)) {
            v = e.concat(List.of(c.input(5), v), 2);
        }
        kAll[2] += past;
        vAll[2] += past;
        long group = hq / hkv;
        String kRep = repeatHeads(e, k, kAll, group);
        String vRep = repeatHeads(e, v, vAll, group);
        double scale = c.node().hasAttribute("scale") ? c.node().attrFloat("scale", 1f) : 1 / Math.sqrt(q4[3]);
        String s = e.mul(e.op("MatMul", q, e.transpose(kRep, SWAP_LAST)), c.scalar(scale));
        float cap = c.node().attrFloat("softcap", 0f);
        String capSlope = null;
        if (cap > 0) {
            String t = e.op("Tanh", e.div(s, c.scalar(cap)));
            s = e.mul(t, c.scalar(cap));
            capSlope = e.sub(c.scalar(1), e.mul(t, t));
        }
        String bias = bias(c, q4[2], kAll[2], past);
        String p = e.op("Softmax", bias == null ? s : e.add(s, bias), Attr.i("axis", -1));

        String g = c.gradient(0) == null ? null
                : flat ? split(e, c.gradient(0), c.dims(c.output(0)), hq) : c.gradient(0);
        String dk = c.gradient(1);
        String dv = c.gradient(2);
        boolean needK = c.needsGradient(1) || c.needsGradient(4);
        if (g != null && (c.needsGradient(2) || c.needsGradient(5))) {
            String dvRep = e.op("MatMul", e.transpose(p, SWAP_LAST), g);
            dv = plus(e, dv, sumGroups(e, dvRep, vAll, group));
        }
        if (g != null && (c.needsGradient(0) || needK)) {
            String dp = e.op("MatMul", g, e.transpose(vRep, SWAP_LAST));
            String ds = e.mul(p, e.sub(dp, e.reduceSum(e.mul(dp, p), new long[] {3}, true)));
            if (capSlope != null) {
                ds = e.mul(ds, capSlope);
            }
            ds = e.mul(ds, c.scalar(scale));
            if (c.needsGradient(0)) {
                String dq = e.op("MatMul", ds, kRep);
                c.addGradient(0, flat ? merge(e, dq, qd) : dq);
            }
            if (needK) {
                String dkRep = e.op("MatMul", e.transpose(ds, SWAP_LAST), q);
                dk = plus(e, dk, sumGroups(e, dkRep, kAll, group));
            }
        }
        deliver(c, dk, 1, 4, past, kAll, flat);
        deliver(c, dv, 2, 5, past, vAll, flat);
    }

    /** [B, S, H * d] to [B, H, S, d]. */
    private static String split(Emitter e, String x, long[] d, long heads) {
        return e.transpose(e.reshape(x, new long[] {d[0], d[1], heads, d[2] / heads}), HEADS_FIRST);
    }

    private static long[] splitDims(long[] d, long heads) {
        return new long[] {d[0], heads, d[1], d[2] / heads};
    }

    /** [B, H, S, d] back to [B, S, H * d]. */
    private static String merge(Emitter e, String x, long[] flatDims) {
        return e.reshape(e.transpose(x, HEADS_FIRST), flatDims);
    }

    /** [B, Hkv, T, d] to [B, Hkv * group, T, d], each head repeated {@code group} times in a row. */
    private static String repeatHeads(Emitter e, String x, long[] d, long group) {
        if (group == 1) {
            return x;
        }
        String five = e.reshape(x, new long[] {d[0], d[1], 1, d[2], d[3]});
        return e.reshape(e.expand(five, new long[] {d[0], d[1], group, d[2], d[3]}),
                new long[] {d[0], d[1] * group, d[2], d[3]});
    }

    /** The adjoint of {@link #repeatHeads}: sums each run of {@code group} heads. */
    private static String sumGroups(Emitter e, String x, long[] d, long group) {
        if (group == 1) {
            return x;
        }
        return e.reduceSum(e.reshape(x, new long[] {d[0], d[1], group, d[2], d[3]}), new long[] {2}, false);
    }

    private static String plus(Emitter e, String a, String b) {
        return a == null ? b : e.add(a, b);
    }

    /**
     * The additive bias of the scores: the mask (False, or an additive float, as given) plus, with is_causal, -inf
     * above the diagonal shifted by the past length; null for neither.
     */
    private static String bias(BackwardContext c, long sq, long total, long past) {
        Emitter e = c.emit();
        int type = c.elemType();
        String bias = null;
        if (c.node().hasInput(3)) {
            String mask = c.input(3);
            long[] md = c.dims(mask);
            if (md[md.length - 1] != total) {
                throw c.unsupported("attn_mask's last axis has " + md[md.length - 1] + " entries, not the "
                        + total + " keys (past and present); give a mask over every key");
            }
            bias = c.shapes().type(mask).elemType() == ElementType.BOOL
                    ? e.where(mask, e.scalar(0, type), e.scalar(Double.NEGATIVE_INFINITY, type)) : mask;
        }
        if (c.node().attrInt("is_causal", 0) != 0) {
            double[] tri = new double[(int) (sq * total)];
            for (int i = 0; i < sq; i++) {
                for (int j = 0; j < total; j++) {
                    tri[(int) (i * total + j)] = j > i + past ? Double.NEGATIVE_INFINITY : 0;
                }
            }
            String causal = e.reals(new long[] {sq, total}, tri, type);
            bias = bias == null ? causal : e.add(bias, causal);
        }
        return bias;
    }

    /**
     * Splits the gradient of the 4-D key (value) over past and present into input {@code present}'s and input
     * {@code pastInput}'s, returning 3-D inputs to their layout.
     */
    private static void deliver(BackwardContext c, String grad, int present, int pastInput, long past, long[] all,
                                boolean flat) {
        if (grad == null) {
            return;
        }
        Emitter e = c.emit();
        String now = grad;
        if (c.node().hasInput(pastInput)) {
            c.addGradient(pastInput, e.slice(grad, new long[] {0}, new long[] {past}, new long[] {2}));
            now = e.slice(grad, new long[] {past}, new long[] {all[2]}, new long[] {2});
        }
        if (c.needsGradient(present)) {
            c.addGradient(present, flat ? merge(e, now, c.dims(c.input(present))) : now);
        }
    }
}
