package io.isohost.bench.rubis;

import java.util.List;
import java.util.Locale;

/** Figure 2 as an SVG: delivered rubis.tx per second over time, with the ideal 10-per-container steps dashed. */
final class Staircase {
    private Staircase() {
    }

    static String svg(List<double[]> series, int steps, int period) {
        int w = 720;
        int h = 360;
        int left = 60;
        int bottom = 40;
        double maxX = (double) steps * period;
        double maxY = steps * 10 * 1.25;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        double plotW = w - left - 20;
        double plotH = h - bottom - 30;
        java.util.function.DoubleUnaryOperator x = v -> left + v / maxX * plotW;
        java.util.function.DoubleUnaryOperator y = v -> 30 + plotH - v / maxY * plotH;
        for (int t = 0; t <= maxY; t += 10) {
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>%n",
                    left, y.applyAsDouble(t), left + plotW, y.applyAsDouble(t), left - 6, y.applyAsDouble(t) + 4, t));
        }
        for (int s = 0; s <= maxX; s += period) {
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x.applyAsDouble(s), h - bottom + 16, s));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">seconds</text>%n", left + plotW / 2, h - 6));
        b.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">rubis.tx per second</text>%n",
                30 + plotH / 2, 30 + plotH / 2));
        b.append("<text x=\"" + left + "\" y=\"18\" font-size=\"14\">RUBiS on isohost: one more 10 tx/s container every " + period + " s</text>\n");
        StringBuilder ideal = new StringBuilder();
        for (int k = 1; k <= steps; k++) {
            ideal.append(String.format(Locale.ROOT, "%.1f,%.1f %.1f,%.1f ", x.applyAsDouble((k - 1) * period), y.applyAsDouble(k * 10),
                    x.applyAsDouble(k * period), y.applyAsDouble(k * 10)));
        }
        b.append("<polyline fill=\"none\" stroke=\"#999\" stroke-dasharray=\"5,4\" points=\"").append(ideal).append("\"/>\n");
        StringBuilder line = new StringBuilder();
        for (double[] p : series) {
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(p[0]), y.applyAsDouble(p[1])));
        }
        b.append("<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"").append(line).append("\"/>\n");
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>%n", left, 30 + plotH, left + plotW, 30 + plotH));
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"30\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\"/>%n", left, left, 30 + plotH));
        return b.append("</svg>\n").toString();
    }
}
