package dev.gradcam.api.layer;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.UnknownLayerException;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves what a user calls a layer to one of a model's candidate layers.
 *
 * <p>In order of precedence: {@code auto} (for transformers the last block's first normalisation, otherwise the
 * last 4-D activation with spatial extent before the classifier head); an exact tensor name; an exact node name; a
 * PyTorch-style module path such as {@code layer4}, {@code layer4.1} or {@code features.29}, matched against scoped
 * node names that exporters write, e.g. {@code /layer4/layer4.1/relu_1/Relu}, and resolved to the <em>last</em> node
 * of that scope in topological order, which is the module's output. Stateless and thread-safe.
 */
public final class LayerResolver {

    /** The query that picks a layer automatically. */
    public static final String AUTO = "auto";

    private static final Pattern REPEAT_SUFFIX = Pattern.compile("_\\d+$");
    private static final Set<String> POOLING_OPS = Set.of("GlobalAveragePool", "GlobalMaxPool", "ReduceMean",
            "ReduceMax", "ReduceSum", "Flatten", "Reshape", "Squeeze", "Gemm", "MatMul");

    private LayerResolver() {
    }

    /**
     * Resolves {@code query} among {@code layers} (in topological order).
     *
     * @throws UnknownLayerException with the nearest candidates if nothing matches
     */
    public static LayerInfo resolve(List<LayerInfo> layers, String query) {
        InvalidArgumentException.requireNonNull(layers, "layers");
        InvalidArgumentException.requireNonNull(query, "query");
        String q = query.trim();
        if (q.equalsIgnoreCase(AUTO)) {
            return auto(layers);
        }
        for (LayerInfo l : layers) {
            if (l.name().equals(q)) {
                return l;
            }
        }
        LayerInfo byNode = null;
        for (LayerInfo l : layers) {
            if (l.node().equals(q)) {
                byNode = l; // a node with several outputs: the last listed wins, like a module's output
            }
        }
        if (byNode != null) {
            return byNode;
        }
        LayerInfo byModule = null;
        String[] parts = q.split("\\.");
        for (LayerInfo l : layers) {
            if (inModuleScope(l.node(), parts)) {
                byModule = l;
            }
        }
        if (byModule != null) {
            return byModule;
        }
        throw new UnknownLayerException(query, nearest(layers, q, 5),
                "Give a tensor name, a node name, a module path such as 'layer4' or 'features.29', or 'auto'");
    }

    /**
     * For transformers (a model with attention, i.e. a Softmax over rank 3 or more): the last LayerNormalization
     * before the last attention Softmax, the output of the last block's first normalisation, as pytorch-grad-cam's
     * vision-transformer tutorial picks. Otherwise the last 4-D activation with a spatial extent larger than 1x1
     * that is not a pooling or head op.
     *
     * @throws UnknownLayerException if the model has no such layer
     */
    public static LayerInfo auto(List<LayerInfo> layers) {
        InvalidArgumentException.requireNonNull(layers, "layers");
        LayerInfo transformer = lastBlockNorm(layers);
        if (transformer != null) {
            return transformer;
        }
        LayerInfo best = null;
        for (LayerInfo l : layers) {
            if (l.shape().rank() != 4 || POOLING_OPS.contains(l.op())) {
                continue;
            }
            long h = l.shape().dim(2);
            long w = l.shape().dim(3);
            if (h == 1 && w == 1) {
                continue;
            }
            best = l;
        }
        if (best == null) {
            throw new UnknownLayerException(AUTO, List.of(),
                    "'auto' found no 4-D activation with spatial extent; name a layer explicitly");
        }
        return best;
    }

    private static LayerInfo lastBlockNorm(List<LayerInfo> layers) {
        int attention = -1;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).op().equals("Softmax") && layers.get(i).shape().rank() >= 3) {
                attention = i;
            }
        }
        for (int i = attention - 1; i >= 0; i--) {
            LayerInfo l = layers.get(i);
            Shape s = l.shape();
            boolean grid = s.rank() == 3 && s.dim(1) > 1 || s.rank() == 4 && s.dim(1) * s.dim(2) > 1;
            if (l.op().equals("LayerNormalization") && grid) {
                return l;
            }
        }
        return null;
    }

    /** Module paths present in the layers' scoped node names, e.g. {@code layer4}, {@code layer4.1.conv1}. */
    public static List<String> modulePaths(List<LayerInfo> layers) {
        InvalidArgumentException.requireNonNull(layers, "layers");
        Set<String> paths = new LinkedHashSet<>();
        for (LayerInfo l : layers) {
            paths.addAll(pathsOf(l.node()));
        }
        return List.copyOf(paths);
    }

    /**
     * The module paths of a node's scopes, outermost first. Exporters name a child of a container by the
     * container's own scope name plus the child's: {@code /layer4/layer4.0/downsample/downsample.0/Conv} is module
     * {@code layer4.0.downsample.0}, so a segment that extends the previous segment adds only its suffix.
     */
    private static List<String> pathsOf(String node) {
        List<String> out = new ArrayList<>();
        String path = "";
        String previous = null;
        for (String raw : scopes(node)) {
            String c = REPEAT_SUFFIX.matcher(raw).replaceFirst("");
            if (previous != null && c.startsWith(previous + ".")) {
                path = path + c.substring(previous.length());
            } else {
                path = path.isEmpty() ? c : path + "." + c;
            }
            previous = c;
            out.add(path);
        }
        return out;
    }

    /**
     * Up to {@code limit} candidate names closest to {@code query} (edit distance, case-insensitive), drawn from
     * module paths, node names and tensor names.
     */
    public static List<String> nearest(List<LayerInfo> layers, String query, int limit) {
        InvalidArgumentException.requireNonNull(layers, "layers");
        InvalidArgumentException.requireNonNull(query, "query");
        Set<String> pool = new LinkedHashSet<>(modulePaths(layers));
        for (LayerInfo l : layers) {
            pool.add(l.node());
            pool.add(l.name());
        }
        String q = query.toLowerCase(Locale.ROOT);
        List<String> ranked = new ArrayList<>(pool);
        ranked.sort(Comparator.comparingInt((String s) -> score(q, s.toLowerCase(Locale.ROOT))).thenComparing(s -> s));
        return List.copyOf(ranked.subList(0, Math.min(limit, ranked.size())));
    }

    private static int score(String query, String candidate) {
        int d = EditDistance.levenshtein(query, candidate);
        // A candidate that contains the query is a better hint than an equally distant stranger.
        return candidate.contains(query) ? d / 2 : d;
    }

    private static boolean inModuleScope(String node, String[] parts) {
        if (pathsOf(node).contains(String.join(".", parts))) {
            return true;
        }
        List<String> scopes = scopes(node);
        if (scopes.size() < parts.length) {
            return false;
        }
        String qualified = "";
        for (int i = 0; i < parts.length; i++) {
            qualified = i == 0 ? parts[0] : qualified + "." + parts[i];
            String c = scopes.get(i);
            String bare = REPEAT_SUFFIX.matcher(c).replaceFirst("");
            // A numbered child of a named one is scoped by both names: torchvision ConvNeXt's block.2 in
            // /features/features.7/features.7.2/block/block.2/...
            String local = i == 0 ? parts[0] : parts[i - 1] + "." + parts[i];
            if (!(c.equals(parts[i]) || c.equals(qualified) || bare.equals(parts[i]) || bare.equals(qualified)
                    || c.equals(local) || bare.equals(local))) {
                return false;
            }
        }
        return true;
    }

    /** The scope components of a node name: {@code /layer4/layer4.1/relu_1/Relu} gives layer4, layer4.1, relu_1. */
    private static List<String> scopes(String node) {
        if (!node.startsWith("/")) {
            return List.of();
        }
        String[] segs = node.substring(1).split("/");
        List<String> out = new ArrayList<>(segs.length);
        for (int i = 0; i < segs.length - 1; i++) {
            if (!segs[i].isEmpty()) {
                out.add(segs[i]);
            }
        }
        return out;
    }
}
