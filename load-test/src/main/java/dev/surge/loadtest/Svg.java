package dev.surge.loadtest;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small self-contained SVG charts for the HTML report. Written here rather than taken from a
 * charting library because the report must open from disk with no network and no script: the
 * machines that run the demo reach no CDN, and two chart shapes do not justify a dependency.
 */
final class Svg {

    /** Series colours in order: the first profile (baseline) red, the second (resilient) green. */
    static final List<String> PALETTE = List.of("#d9534f", "#2b8a3e", "#1c7ed6", "#f08c00");
    /** For charts whose first series is the good outcome. */
    static final List<String> GOOD_FIRST = List.of("#2b8a3e", "#d9534f", "#1c7ed6", "#f08c00");

    private static final int WIDTH = 640;
    private static final int HEIGHT = 300;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 44;
    private static final int BOTTOM = 45;

    private Svg() {
    }

    /** One line per series; each point is {x, y}. */
    static String lines(String title, String xLabel, String yLabel, Map<String, List<double[]>> series) {
        return lines(title, xLabel, yLabel, series, Map.of(), 1);
    }

    /**
     * One line per series, plus a dashed vertical line at each marker's x, labelled with the marker's name;
     * the y axis reaches at least {@code minMaxY} (100 for a percentage, so that a plateau below it shows).
     */
    static String lines(String title, String xLabel, String yLabel, Map<String, List<double[]>> series,
            Map<String, Double> markers, double minMaxY) {
        double maxX = 1;
        double maxY = minMaxY;
        for (List<double[]> points : series.values()) {
            for (double[] p : points) {
                maxX = Math.max(maxX, p[0]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        for (double marker : markers.values()) {
            maxX = Math.max(maxX, marker);
        }
        StringBuilder svg = open(title, xLabel, yLabel, maxX, maxY);
        int m = 0;
        for (Map.Entry<String, Double> marker : markers.entrySet()) {
            double mx = x(marker.getValue(), maxX);
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#868e96\" stroke-dasharray=\"4 3\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"end\" fill=\"#495057\""
                            + " stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">%s</text>",
                    mx, TOP, mx, HEIGHT - BOTTOM, mx - 3, TOP + 10 + 12 * m, escape(marker.getKey())));
            m++;
        }
        int i = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            String color = PALETTE.get(i % PALETTE.size());
            StringBuilder path = new StringBuilder();
            for (double[] p : e.getValue()) {
                path.append(path.length() == 0 ? "M" : " L").append(fmt(x(p[0], maxX))).append(',').append(fmt(y(p[1], maxY)));
            }
            if (path.length() > 0) {
                svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(color)
                        .append("\" stroke-width=\"2\"/>");
            }
            legend(svg, i, e.getKey(), color);
            i++;
        }
        return svg.append("</svg>").toString();
    }

    /** Grouped bars: for each category, one bar per series, coloured from {@code palette} in series order. */
    static String bars(String title, String yLabel, List<String> categories, Map<String, List<Double>> series,
            List<String> palette) {
        double maxY = 1;
        for (List<Double> values : series.values()) {
            for (double v : values) {
                maxY = Math.max(maxY, v);
            }
        }
        StringBuilder svg = open(title, "", yLabel, 0, maxY);
        double groupWidth = (double) (WIDTH - LEFT - RIGHT) / categories.size();
        double barWidth = groupWidth * 0.8 / Math.max(1, series.size());
        for (int c = 0; c < categories.size(); c++) {
            double groupX = LEFT + c * groupWidth + groupWidth * 0.1;
            int s = 0;
            for (List<Double> values : series.values()) {
                double v = values.get(c);
                double top = y(v, maxY);
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>",
                        groupX + s * barWidth, top, barWidth - 2, HEIGHT - BOTTOM - top, palette.get(s % palette.size()),
                        fmt(v)));
                svg.append(String.format(Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
                        groupX + s * barWidth + barWidth / 2, top - 3, fmt(v)));
                s++;
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>",
                    LEFT + c * groupWidth + groupWidth / 2, HEIGHT - BOTTOM + 16, escape(categories.get(c))));
        }
        int i = 0;
        for (String name : series.keySet()) {
            legend(svg, i, name, palette.get(i % palette.size()));
            i++;
        }
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open(String title, String xLabel, String yLabel, double maxX, double maxY) {
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\">",
                WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>",
                LEFT, escape(title)));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
                LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
                LEFT, TOP, LEFT, HEIGHT - BOTTOM));
        for (int t = 0; t <= 4; t++) {
            // Whole numbers once the scale is large: decimals there only crowd the axis.
            double v = maxY > 100 ? Math.round(maxY * t / 4) : maxY * t / 4;
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>",
                    LEFT, y(v, maxY), WIDTH - RIGHT, y(v, maxY), LEFT - 4, y(v, maxY) + 3, fmt(v)));
            if (maxX > 0) {
                double xv = maxX > 100 ? Math.round(maxX * t / 4) : maxX * t / 4;
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
                        x(xv, maxX), HEIGHT - BOTTOM + 14, fmt(xv)));
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8, escape(xLabel)));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"14\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>",
                (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2, escape(yLabel)));
        return svg;
    }

    /** Legend entries side by side under the title, clear of the plot. */
    private static void legend(StringBuilder svg, int index, String name, String color) {
        int lx = LEFT + index * 110;
        int ly = 26;
        svg.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>",
                lx, ly, color, lx + 14, ly + 9, escape(name)));
    }

    private static double x(double value, double max) {
        return LEFT + value / max * (WIDTH - LEFT - RIGHT);
    }

    private static double y(double value, double max) {
        return HEIGHT - BOTTOM - value / max * (HEIGHT - TOP - BOTTOM);
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
