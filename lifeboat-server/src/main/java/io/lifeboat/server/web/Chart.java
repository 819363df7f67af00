package io.lifeboat.server.web;

import java.util.List;
import java.util.Locale;

/**
 * A small line chart as inline SVG, drawn on the server: RTO and RPO of the drills of one environment over
 * time. Only numbers go into it, so it is safe to emit unescaped.
 */
public final class Chart {
    private Chart() {}

    /** One drill: when it started (epoch ms), its RTO and RPO in milliseconds (RPO may be null). */
    public record Point(long at, long rtoMillis, Long rpoMillis) {}

    private static final int W = 640;
    private static final int H = 180;
    private static final int PAD = 34;

    /** The chart of {@code points} (oldest first); an empty string when there are fewer than one. */
    public static String svg(List<Point> points) {
        if (points.isEmpty()) return "";
        long t0 = points.get(0).at();
        long t1 = Math.max(t0 + 1, points.get(points.size() - 1).at());
        double maxRto = points.stream().mapToLong(Point::rtoMillis).max().orElse(1) / 60000.0;
        double maxRpo = points.stream()
                        .filter(p -> p.rpoMillis() != null)
                        .mapToLong(Point::rpoMillis)
                        .max()
                        .orElse(1)
                / 3600000.0;
        maxRto = Math.max(maxRto, 0.1);
        maxRpo = Math.max(maxRpo, 0.1);
        StringBuilder rto = new StringBuilder();
        StringBuilder rpo = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (Point p : points) {
            double x = PAD + (W - 2 * PAD) * (points.size() == 1 ? 0.5 : (p.at() - t0) / (double) (t1 - t0));
            double y = H - PAD - (H - 2 * PAD) * (p.rtoMillis() / 60000.0) / maxRto;
            rto.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            dots.append(String.format(
                    Locale.ROOT, "<circle class=\"rto\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"></circle>", x, y));
            if (p.rpoMillis() != null) {
                double y2 = H - PAD - (H - 2 * PAD) * (p.rpoMillis() / 3600000.0) / maxRpo;
                rpo.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y2));
                dots.append(String.format(
                        Locale.ROOT, "<circle class=\"rpo\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"></circle>", x, y2));
            }
        }
        return String.format(
                Locale.ROOT,
                "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"RTO and RPO of the drills over"
                        + " time\"><line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"></line>"
                        + "<text x=\"%d\" y=\"%d\" class=\"rto\">RTO (max %.1f min)</text>"
                        + "<text x=\"%d\" y=\"%d\" class=\"rpo\">RPO (max %.1f h)</text>"
                        + "<polyline class=\"rto\" points=\"%s\"></polyline><polyline class=\"rpo\" points=\"%s\">"
                        + "</polyline>%s</svg>",
                W,
                H,
                PAD,
                H - PAD,
                W - PAD,
                H - PAD,
                PAD,
                16,
                maxRto,
                W / 2,
                16,
                maxRpo,
                rto.toString().strip(),
                rpo.toString().strip(),
                dots);
    }
}
