package dev.gradcam.api;

import java.util.List;

/** A layer name, node name or module path matched nothing in the model. Carries the nearest candidates. */
public class UnknownLayerException extends GradCamException {

    private static final long serialVersionUID = 1L;

    private final String query;
    private final List<String> nearest;

    public UnknownLayerException(String query, List<String> nearest, String detail) {
        super("unknown layer '" + query + "'" + (nearest.isEmpty() ? "" : "; nearest: " + String.join(", ", nearest))
                + (detail == null || detail.isEmpty() ? "" : ". " + detail));
        this.query = query;
        this.nearest = List.copyOf(nearest);
    }

    /** What the user asked for. */
    public String query() {
        return query;
    }

    /** The closest candidate names, best first. */
    public List<String> nearest() {
        return nearest;
    }
}
