package dev.gradcam.api;

import java.util.Collection;
import java.util.TreeSet;

/** A model holds an operator that a backend cannot run or differentiate. Names the op, the node and what is supported. */
public class UnsupportedOperatorException extends GradCamException {

    private static final long serialVersionUID = 1L;

    private final String opType;
    private final String node;

    public UnsupportedOperatorException(String opType, String node, String why, Collection<String> supported) {
        super("unsupported operator " + opType + " at node '" + node + "'"
                + (why == null || why.isEmpty() ? "" : ": " + why)
                + "; supported: " + String.join(", ", new TreeSet<>(supported)));
        this.opType = opType;
        this.node = node;
    }

    public UnsupportedOperatorException(String opType, String node, String why) {
        super("unsupported operator " + opType + " at node '" + node + "': " + why);
        this.opType = opType;
        this.node = node;
    }

    /** The operator type, e.g. {@code NonMaxSuppression}. */
    public String opType() {
        return opType;
    }

    /** The node's name (or a description of where it is when it has none). */
    public String node() {
        return node;
    }
}
