package io.isohost.rubis.web;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The three images RUBiS's pages carry: the logo in every page's header, the "bid now" button on
 * search results and items, the "buy it now" button on items sold at a fixed price. The original
 * client downloads each {@code <IMG SRC>} of a page after the page, so an interaction costs a page
 * and its images. These are drawn here in colour blocks (no fonts, so nothing depends on the
 * machine's font setup) at the original's sizes, as PNG.
 */
public final class Images {

    /** An image: where it is served, its size and its PNG bytes. */
    public record Image(String path, int width, int height, String alt, byte[] png) {
        public String name() {
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    public static final Image LOGO = draw("RUBiS_logo.png", 150, 91, "RUBiS", new Color(0x1f3a93),
            new Color(0xd7263d), new Color(0xf4b400), new Color(0x0f9d58));
    public static final Image BID_NOW = draw("bid_now.png", 90, 22, "Bid now!", new Color(0x0f9d58), Color.WHITE);
    public static final Image BUY_IT_NOW = draw("buy_it_now.png", 150, 22, "Buy it now!", new Color(0xef6c00), Color.WHITE);

    private static final List<Image> ALL = List.of(LOGO, BID_NOW, BUY_IT_NOW);

    private Images() {
    }

    /** The image served under {@code name} (its file name), if there is one. */
    public static Optional<Image> named(String name) {
        return ALL.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** A background with one block of each further colour side by side, framed in the first colour. */
    private static Image draw(String name, int width, int height, String alt, Color background, Color... blocks) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(background);
            g.fillRect(0, 0, width, height);
            int margin = Math.max(2, height / 8);
            int w = (width - margin * (blocks.length + 1)) / blocks.length;
            for (int i = 0; i < blocks.length; i++) {
                g.setColor(blocks[i]);
                g.fillRect(margin + i * (w + margin), margin, w, height - 2 * margin);
            }
        } finally {
            g.dispose();
        }
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Image(StaticPages.PATH + name, width, height, alt, out.toByteArray());
    }
}
