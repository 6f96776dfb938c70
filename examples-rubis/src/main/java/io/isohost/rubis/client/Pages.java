package io.isohost.rubis.client;

import java.util.ArrayList;
import java.util.List;

/**
 * The plain substring parsing the RUBiS emulator applies to the last page, as the original {@code UserSession}
 * reads it: item ids from
 * {@code itemId=}, page numbers from {@code &page=}, the first {@code userId=}, the comment target
 * from {@code name=to value=} or {@code to=}, the hidden inputs {@code name=maxQty value=} and
 * {@code name=minBid value=}, and {@code <IMG SRC="...">} images.
 */
final class Pages {

    private Pages() {
    }

    /** Every number following {@code itemId=} on the page, in order. */
    static List<Long> itemIds(String page) {
        return allNumbers(page, "itemId=");
    }

    /** Every number following {@code &page=} on the page, in order. */
    static List<Long> pageLinks(String page) {
        return allNumbers(page, "&page=");
    }

    /** The number after the first {@code userId=}, or -1. */
    static long firstUserId(String page) {
        return firstNumber(page, "userId=");
    }

    /**
     * The comment target: {@code name=to value=N}, else the first {@code to=N} link parameter, or
     * -1 when the page has neither (sent as it is, as the original sends it).
     */
    static long commentTarget(String page) {
        long v = hiddenNumber(page, "to");
        if (v >= 0) {
            return v;
        }
        v = firstNumber(page, "?to=");
        if (v >= 0) {
            return v;
        }
        v = firstNumber(page, "&to=");
        return v >= 0 ? v : firstNumber(page, "to=");
    }

    /** The value of the hidden input written {@code name=NAME value=N}, as a whole number, or -1. */
    static long hiddenNumber(String page, String name) {
        String v = hiddenValue(page, name);
        if (v == null) {
            return -1;
        }
        int dot = v.indexOf('.');
        String whole = dot >= 0 ? v.substring(0, dot) : v;
        try {
            return whole.isEmpty() ? -1 : Long.parseLong(whole);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The numeric text (digits and a dot) of the hidden input {@code name=NAME value=X}, or null. */
    static String hiddenValue(String page, String name) {
        String marker = "name=" + name + " value=";
        int i = page.indexOf(marker);
        if (i < 0) {
            return null;
        }
        int start = i + marker.length();
        if (start < page.length() && (page.charAt(start) == '"' || page.charAt(start) == '\'')) {
            start++;
        }
        int end = start;
        while (end < page.length() && (Character.isDigit(page.charAt(end)) || page.charAt(end) == '.'
                || (end == start && page.charAt(end) == '-'))) {
            end++;
        }
        return end > start ? page.substring(start, end) : null;
    }

    /** The {@code SRC} of every {@code <IMG ...>} tag (case-insensitive), in order. */
    static List<String> images(String page) {
        List<String> out = new ArrayList<>();
        String lower = page.toLowerCase(java.util.Locale.ROOT);
        int i = 0;
        while ((i = lower.indexOf("<img", i)) >= 0) {
            int close = lower.indexOf('>', i);
            if (close < 0) {
                break;
            }
            int src = lower.indexOf("src=", i);
            if (src >= 0 && src < close) {
                int start = src + 4;
                char q = page.charAt(start);
                String value;
                if (q == '"' || q == '\'') {
                    int end = page.indexOf(q, start + 1);
                    value = end > start ? page.substring(start + 1, end) : "";
                } else {
                    int end = start;
                    while (end < close && !Character.isWhitespace(page.charAt(end))) {
                        end++;
                    }
                    value = page.substring(start, end);
                }
                if (!value.isBlank()) {
                    out.add(value.trim());
                }
            }
            i = close + 1;
        }
        return out;
    }

    private static long firstNumber(String page, String marker) {
        int i = 0;
        while ((i = page.indexOf(marker, i)) >= 0) {
            long v = number(page, i + marker.length());
            if (v >= 0) {
                return v;
            }
            i += marker.length();
        }
        return -1;
    }

    private static List<Long> allNumbers(String page, String marker) {
        List<Long> out = new ArrayList<>();
        int i = 0;
        while ((i = page.indexOf(marker, i)) >= 0) {
            long v = number(page, i + marker.length());
            if (v >= 0) {
                out.add(v);
            }
            i += marker.length();
        }
        return out;
    }

    /** The non-negative integer starting at {@code start} (an optional quote skipped), or -1. */
    private static long number(String page, int start) {
        if (start < page.length() && (page.charAt(start) == '"' || page.charAt(start) == '\'')) {
            start++;
        }
        int end = start;
        while (end < page.length() && end - start < 18 && Character.isDigit(page.charAt(end))) {
            end++;
        }
        return end > start ? Long.parseLong(page, start, end, 10) : -1;
    }
}
