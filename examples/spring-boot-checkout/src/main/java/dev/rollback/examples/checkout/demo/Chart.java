package dev.rollback.examples.checkout.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG: series over time (seconds since the traffic started) with vertical
 * markers. A point whose value is {@code NaN} breaks its line (nothing was measured then).
 */
final class Chart {

    /** Colour of the new path's series. */
    static final String NEW_PATH_COLOUR = "#e6550d";
    /** Colour of the old path's series. */
    static final String OLD_PATH_COLOUR = "#3182bd";
    /** Colour of the client's failed requests. */
    static final String CLIENT_COLOUR = "#2ca02c";
    /** Colour of the rollback marker. */
    static final String ROLLBACK_COLOUR = "#8e24aa";
    /** Colour of the other markers (rollout, regression onset). */
    static final String MARKER_COLOUR = "#777777";

    private static final int WIDTH = 900;
    private static final int HEIGHT = 260;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 28;
    private static final int BOTTOM = 36;

    /**
     * One line.
     *
     * @param label  its legend
     * @param colour its colour, {@code #rrggbb}
     * @param x      seconds
     * @param y      values, {@code NaN} for none
     */
    record Series(String label, String colour, double[] x, double[] y) {
    }

    /**
     * A vertical marker.
     *
     * @param label   its text
     * @param colour  its colour
     * @param seconds where
     * @param heavy   whether it is drawn bold (the rollback)
     */
    record Marker(String label, String colour, double seconds, boolean heavy) {
    }

    private final String title;
    private final String yLabel;
    private final double xMax;
    private final boolean percent;
    private final List<Series> series = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();

    /**
     * Creates an empty chart.
     *
     * @param title   its title
     * @param yLabel  the unit of the values
     * @param xMax    the last second shown
     * @param percent whether values are shares (0 to 1), shown as percent
     */
    Chart(String title, String yLabel, double xMax, boolean percent) {
        this.title = title;
        this.yLabel = yLabel;
        this.xMax = xMax;
        this.percent = percent;
    }

    Chart add(Series s) {
        series.add(s);
        return this;
    }

    Chart add(Marker m) {
        markers.add(m);
        return this;
    }

    /**
     * Renders the chart.
     *
     * @return an {@code <svg>} element
     */
    String svg() {
        double yMax = niceMax(series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.y()))
                .filter(v -> !Double.isNaN(v)).max().orElse(1));
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" class=\"title\">%s</text>%n", LEFT, Html.escape(title)));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double y = TOP + plotH - plotH * i / 4.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>%n",
                    LEFT, LEFT + plotW, y, y, LEFT - 6, y + 4, tick(v)));
        }
        int step = xMax > 120 ? 30 : xMax > 40 ? 10 : 5;
        for (int s = 0; s <= xMax; s += step) {
            double x = LEFT + plotW * s / xMax;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%d s</text>%n",
                    x, TOP + plotH + 16, s));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" class=\"tick\" transform=\"rotate(-90 14 %d)\""
                + " text-anchor=\"middle\">%s</text>%n", TOP + plotH / 2, TOP + plotH / 2, Html.escape(yLabel)));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"frame\"/>%n",
                LEFT, TOP, plotW, plotH));
        int row = 0;
        for (Marker m : markers) {
            int labelY = TOP + 12 + 13 * row++;    // one row per marker, so labels of close markers do not overlap
            double x = LEFT + plotW * Math.min(m.seconds(), xMax) / xMax;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\""
                    + " stroke-width=\"%s\"%s/><text x=\"%.1f\" y=\"%d\" class=\"marker\" style=\"fill:%s\">%s</text>%n",
                    x, x, TOP, TOP + plotH, m.colour(), m.heavy() ? "4" : "1.5",
                    m.heavy() ? "" : " stroke-dasharray=\"5 4\"", x + 4, labelY, m.colour(), Html.escape(m.label())));
        }
        for (Series s : series) {
            for (String points : segments(s, plotW, plotH, yMax)) {
                svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\""
                        + " stroke-linejoin=\"round\" points=\"%s\"/>%n", s.colour(), points));
            }
        }
        int lx = LEFT + 8;
        for (Series s : series) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>%n",
                    lx, TOP + plotH - 14, s.colour(), lx + 14, TOP + plotH - 9, Html.escape(s.label())));
            lx += 24 + 7 * s.label().length();
        }
        return svg.append("</svg>\n").toString();
    }

    private List<String> segments(Series s, int plotW, int plotH, double yMax) {
        List<String> segments = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < s.x().length; i++) {
            if (Double.isNaN(s.y()[i])) {
                flush(segments, current);
                continue;
            }
            double x = LEFT + plotW * Math.min(s.x()[i], xMax) / xMax;
            double y = TOP + plotH - plotH * Math.min(s.y()[i], yMax) / yMax;
            current.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        flush(segments, current);
        return segments;
    }

    private static void flush(List<String> segments, StringBuilder current) {
        String points = current.toString().strip();
        if (!points.isEmpty()) {
            // a lone point still shows: draw it as a short flat line
            segments.add(points.contains(" ") ? points : points + " " + nudge(points));
        }
        current.setLength(0);
    }

    private static String nudge(String point) {
        String[] xy = point.split(",");
        return String.format(Locale.ROOT, "%.1f,%s", Double.parseDouble(xy[0]) + 3, xy[1]);
    }

    private String tick(double v) {
        double shown = percent ? 100 * v : v;
        String number = Math.abs(shown - Math.rint(shown)) < 1e-9 ? String.format(Locale.ROOT, "%.0f", shown)
                : String.format(Locale.ROOT, "%.2f", shown).replaceAll("0+$", "");
        return percent ? number + "%" : number;
    }

    /** Rounds up to 1, 2 or 5 times a power of ten, so the axis ticks are round. */
    static double niceMax(double max) {
        if (!(max > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= max) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
