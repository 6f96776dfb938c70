package io.isohost.rubis.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A RUBiS page under construction. Links and hidden fields are written exactly as the client
 * emulator looks for them: {@code itemId=}, {@code userId=}, {@code to=}, {@code &page=} and
 * {@code name=maxQty value=N} (no quotes around the name).
 */
public final class Html {
    public static final String SERVLETS = "/servlet/edu.rice.rubis.servlets.";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private final StringBuilder b = new StringBuilder(4096);

    /** A page titled "RUBiS: {@code title}". */
    public Html(String title) {
        this("RUBiS: " + title, title);
    }

    private Html(String fullTitle, String heading) {
        b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(fullTitle))
                .append("</title></head>\n<body>\n<p>").append(image(Images.LOGO)).append(' ')
                .append("<a href=\"/rubis/index.html\">Home</a> | <a href=\"/rubis/register.html\">Register</a> | ")
                .append("<a href=\"/rubis/browse.html\">Browse</a> | <a href=\"/rubis/sell.html\">Sell</a> | ")
                .append("<a href=\"/rubis/about_me.html\">About me</a></p>\n<h2>").append(escape(heading)).append("</h2>\n");
    }

    /**
     * RUBiS's error page, as its servlets print it: titled "RUBiS ERROR: {@code servlet}", the one
     * word ERROR a RUBiS client looks for, then what went wrong.
     */
    public static String error(String servlet, String message) {
        return new Html("RUBiS ERROR: " + servlet, "Your request has not been processed because of this error:")
                .p(message).end();
    }

    /** An embedded image as RUBiS writes it, {@code <IMG SRC="...">}: its client downloads every one. */
    public static String image(Images.Image image) {
        return "<IMG SRC=\"" + image.path() + "\" width=" + image.width() + " height=" + image.height() + " alt=\"" + image.alt() + "\">";
    }

    public Html text(String s) {
        b.append(escape(s));
        return this;
    }

    public Html raw(String s) {
        b.append(s);
        return this;
    }

    public Html p(String s) {
        b.append("<p>").append(escape(s)).append("</p>\n");
        return this;
    }

    public Html link(String servlet, String label, String... params) {
        return open(servlet, params).text(label).raw("</a>");
    }

    /** A link whose face is an image, as RUBiS's bid-now and buy-now buttons. */
    public Html imageLink(String servlet, Images.Image image, String... params) {
        return open(servlet, params).raw(image(image)).raw("</a>");
    }

    private Html open(String servlet, String... params) {
        b.append("<a href=\"").append(SERVLETS).append(servlet);
        for (int i = 0; i + 1 < params.length; i += 2) {
            b.append(i == 0 ? '?' : '&').append(params[i]).append('=').append(encode(params[i + 1]));
        }
        b.append("\">");
        return this;
    }

    /** A form whose fields follow; GET, as the emulator sends everything. */
    public Html form(String servlet) {
        b.append("<form action=\"").append(SERVLETS).append(servlet).append("\" method=\"GET\">\n");
        return this;
    }

    public Html hidden(String name, Object value) {
        b.append("<input type=hidden name=").append(name).append(" value=").append(escape(String.valueOf(value))).append(">\n");
        return this;
    }

    public Html input(String label, String name) {
        b.append(escape(label)).append(" <input type=text name=").append(name).append(" size=20><br>\n");
        return this;
    }

    public Html endForm(String submit) {
        b.append("<input type=submit value=\"").append(escape(submit)).append("\"></form>\n");
        return this;
    }

    public String end() {
        return b.append("</body></html>\n").toString();
    }

    public static String date(java.sql.Timestamp t) {
        return t == null ? "" : LocalDateTime.ofInstant(t.toInstant(), ZoneId.systemDefault()).format(DATE);
    }

    public static String money(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            String rep = switch (ch) {
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '&' -> "&amp;";
                case '"' -> "&quot;";
                default -> null;
            };
            if (rep != null && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                out.append(rep != null ? rep : String.valueOf(ch));
            }
        }
        return out == null ? s : out.toString();
    }
}
