package dev.gradcam.cli;

import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.io.OutputFiles;
import dev.gradcam.cli.render.CurvePlot;
import dev.gradcam.metrics.Curves;
import dev.gradcam.metrics.Evaluation;
import dev.gradcam.metrics.MetricName;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code gradcam evaluate} writes: {@code metrics.json} ({@code {"methods": {METHOD: {METRIC: [value per
 * image]}}}}, null where a metric does not apply), {@code metrics.csv} (one row per image and method),
 * {@code curves/CURVE-IMAGE.png} (every method's deletion / insertion curve for one image) and a self-contained
 * {@code report.html} (images inlined as data URIs): per image the input, every method's overlay, the metric table
 * and the curves, and a ranking of the methods. Collects images one at a time; not thread-safe.
 */
final class EvaluationReport {

    private final Path out;
    private final List<String> methods;
    private final List<MetricName> metrics;
    private final Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
    private final List<ImageEntry> images = new ArrayList<>();
    private final Set<String> notes = new LinkedHashSet<>();
    private final List<Path> written = new ArrayList<>();

    private record ImageEntry(String name, byte[] input, Map<String, byte[]> overlays,
                              Map<String, Map<String, Double>> values, Map<String, byte[]> curves) {
    }

    EvaluationReport(Path out, List<String> methods, List<MetricName> metrics) {
        this.out = out;
        this.methods = List.copyOf(methods);
        this.metrics = List.copyOf(metrics);
        for (String m : methods) {
            Map<String, List<Double>> perMetric = new LinkedHashMap<>();
            for (MetricName metric : metrics) {
                perMetric.put(metric.toString(), new ArrayList<>());
            }
            values.put(m, perMetric);
        }
    }

    /**
     * Adds image {@code index} of a batch evaluated with one {@link Evaluation} per method (in the order of the
     * methods given to the constructor).
     */
    void add(String name, BufferedImage input, Map<String, BufferedImage> overlays, List<Evaluation> evaluations,
             int index) {
        Map<String, Map<String, Double>> table = new LinkedHashMap<>();
        Map<String, Map<String, double[]>> curves = new LinkedHashMap<>();
        Map<String, double[]> fractions = new LinkedHashMap<>();
        for (Evaluation e : evaluations) {
            Map<String, Double> row = new LinkedHashMap<>();
            for (MetricName m : metrics) {
                double v = e.values(m.toString())[index];
                row.put(m.toString(), v);
                values.get(e.candidate()).get(m.toString()).add(v);
            }
            table.put(e.candidate(), row);
            for (Map.Entry<String, Curves> c : e.curves().entrySet()) {
                curves.computeIfAbsent(c.getKey(), k -> new LinkedHashMap<>()).put(e.candidate(),
                        c.getValue().scores(index));
                fractions.put(c.getKey(), c.getValue().fractions());
            }
            notes.addAll(e.notes());
        }
        Map<String, byte[]> plots = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, double[]>> c : curves.entrySet()) {
            String curve = c.getKey();
            CurvePlot.Builder b = CurvePlot.builder(curve + " curve: " + name,
                    "fraction of pixels " + (curve.equals("deletion") ? "removed" : "inserted"), "target score",
                    fractions.get(curve));
            c.getValue().forEach(b::series);
            byte[] png = PngWriter.toBytes(b.build().render());
            Path file = out.resolve("curves").resolve(curve + "-" + name + ".png");
            OutputFiles.write(file, "PNG", o -> o.write(png));
            written.add(file);
            plots.put(curve, png);
        }
        Map<String, byte[]> overlayPngs = new LinkedHashMap<>();
        overlays.forEach((m, img) -> overlayPngs.put(m, PngWriter.toBytes(img)));
        images.add(new ImageEntry(name, PngWriter.toBytes(input), overlayPngs, table, plots));
    }

    /** Notes on metrics that did not apply, deduplicated. */
    List<String> notes() {
        return List.copyOf(notes);
    }

    /** Every file written so far. */
    List<Path> written() {
        return List.copyOf(written);
    }

    /** Writes metrics.json, metrics.csv and report.html; returns the report's path. */
    Path finish(Map<String, Object> settings) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("methods", values);
        Path jsonFile = out.resolve("metrics.json");
        OutputFiles.write(jsonFile, "JSON", o -> o.write((Json.write(json) + "\n").getBytes(StandardCharsets.UTF_8)));
        Path csv = out.resolve("metrics.csv");
        OutputFiles.write(csv, "CSV", o -> o.write(csv().getBytes(StandardCharsets.UTF_8)));
        Path html = out.resolve("report.html");
        OutputFiles.write(html, "HTML", o -> o.write(html(settings).getBytes(StandardCharsets.UTF_8)));
        written.addAll(List.of(jsonFile, csv, html));
        return html;
    }

    private String csv() {
        StringBuilder sb = new StringBuilder("image,method");
        metrics.forEach(m -> sb.append(',').append(m));
        sb.append('\n');
        for (ImageEntry img : images) {
            for (String method : methods) {
                sb.append(csvField(img.name())).append(',').append(csvField(method));
                for (MetricName m : metrics) {
                    double v = img.values().get(method).get(m.toString());
                    sb.append(',').append(Double.isFinite(v) ? Double.toString(v) : "");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** Mean over images per method and metric, NaN-free; NaN when no image has a value. */
    private double mean(String method, String metric) {
        return values.get(method).get(metric).stream().filter(Double::isFinite).mapToDouble(Double::doubleValue)
                .average().orElse(Double.NaN);
    }

    /** Each method's mean rank over the metrics that have values (1 = best), best first. */
    List<Map.Entry<String, Double>> ranking() {
        Map<String, double[]> ranks = new LinkedHashMap<>();
        methods.forEach(m -> ranks.put(m, new double[2]));
        for (MetricName metric : metrics) {
            List<String> scored = methods.stream().filter(m -> Double.isFinite(mean(m, metric.toString())))
                    .toList();
            if (scored.size() < 2) {
                continue;
            }
            for (String m : scored) {
                double v = mean(m, metric.toString());
                double better = 0;
                double ties = 0;
                for (String other : scored) {
                    double w = mean(other, metric.toString());
                    if (other.equals(m)) {
                        continue;
                    }
                    if (w == v) {
                        ties++;
                    } else if (metric.higherIsBetter() ? w > v : w < v) {
                        better++;
                    }
                }
                ranks.get(m)[0] += 1 + better + ties / 2;
                ranks.get(m)[1]++;
            }
        }
        List<Map.Entry<String, Double>> out = new ArrayList<>();
        ranks.forEach((m, r) -> out.add(Map.entry(m, r[1] == 0 ? Double.NaN : r[0] / r[1])));
        out.sort(Comparator.comparingDouble(e -> Double.isNaN(e.getValue()) ? Double.MAX_VALUE : e.getValue()));
        return out;
    }

    private String html(Map<String, Object> settings) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gradcam evaluation</title>\n")
                .append("<style>body{font-family:sans-serif;margin:24px;color:#202124}table{border-collapse:collapse;"
                        + "margin:8px 0}td,th{border:1px solid #dadce0;padding:4px 8px;text-align:right}"
                        + "th{background:#f1f3f4}td.l,th.l{text-align:left}figure{display:inline-block;margin:4px;"
                        + "text-align:center}figure img{width:192px;image-rendering:pixelated}.curves img{width:"
                        + "480px}section{border-top:1px solid #dadce0;margin-top:16px}</style></head><body>\n")
                .append("<h1>gradcam evaluation</h1>\n<table>");
        settings.forEach((k, v) -> h.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">")
                .append(esc(String.valueOf(v))).append("</td></tr>"));
        h.append("</table>\n<h2>Ranking</h2>\n<p>Mean rank over the metrics (1 = best; each metric ranks the "
                + "methods by their mean over images, in its own direction: &uarr; higher is better, &darr; lower "
                + "is better).</p>\n<table><tr><th>rank</th><th class=\"l\">method</th><th>mean rank</th>");
        metrics.forEach(m -> h.append("<th>").append(esc(m.toString())).append(m.higherIsBetter() ? " &uarr;"
                : " &darr;").append("</th>"));
        h.append("</tr>\n");
        int place = 1;
        for (Map.Entry<String, Double> e : ranking()) {
            h.append("<tr><td>").append(place++).append("</td><td class=\"l\">").append(esc(e.getKey()))
                    .append("</td><td>").append(fmt(e.getValue())).append("</td>");
            metrics.forEach(m -> h.append("<td>").append(fmt(mean(e.getKey(), m.toString()))).append("</td>"));
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        for (ImageEntry img : images) {
            h.append("<section><h2>").append(esc(img.name())).append("</h2>\n<div>")
                    .append(figure(img.input(), "input"));
            img.overlays().forEach((m, png) -> h.append(figure(png, m)));
            h.append("</div>\n<table><tr><th class=\"l\">metric</th>");
            methods.forEach(m -> h.append("<th>").append(esc(m)).append("</th>"));
            h.append("</tr>\n");
            for (MetricName m : metrics) {
                h.append("<tr><td class=\"l\">").append(esc(m.toString())).append(m.higherIsBetter() ? " &uarr;"
                        : " &darr;").append("</td>");
                methods.forEach(method -> h.append("<td>").append(fmt(img.values().get(method).get(m.toString())))
                        .append("</td>"));
                h.append("</tr>\n");
            }
            h.append("</table>\n<div class=\"curves\">");
            img.curves().forEach((c, png) -> h.append(figure(png, c)));
            h.append("</div></section>\n");
        }
        if (!notes.isEmpty()) {
            h.append("<h2>Notes</h2><ul>");
            notes.forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
            h.append("</ul>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    private static String figure(byte[] png, String caption) {
        return "<figure><img alt=\"" + esc(caption) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png) + "\"><figcaption>" + esc(caption)
                + "</figcaption></figure>";
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "&ndash;";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
