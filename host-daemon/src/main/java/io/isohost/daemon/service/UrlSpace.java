package io.isohost.daemon.service;

/**
 * Whether two services' URL patterns overlap: whether a request one of them receives could go to
 * the other. The balancer matches as a servlet container does (exact, then the longest path
 * prefix, then extension, then default), so a pattern nested inside another service's prefix
 * ({@code /rubis/index.html} or {@code /rubis/x/*} inside {@code /rubis/*}) would take that
 * service's requests. Extension patterns ({@code *.jsp}) are left out: a path prefix always wins
 * over them.
 */
final class UrlSpace {
    private UrlSpace() {
    }

    static boolean overlap(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        if (a.startsWith("*.") || b.startsWith("*.")) {
            return false;
        }
        String prefixA = prefixRoot(a);
        String prefixB = prefixRoot(b);
        if (prefixA != null && within(exactOrRoot(b), prefixA)) {
            return true;
        }
        return prefixB != null && within(exactOrRoot(a), prefixB);
    }

    /** The path a prefix pattern covers ({@code /x/*} → {@code /x}; {@code /*} and the default {@code /} → everything, ""), or null. */
    private static String prefixRoot(String pattern) {
        if (pattern.equals("/")) {
            return "";
        }
        return pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 2) : null;
    }

    private static String exactOrRoot(String pattern) {
        String root = prefixRoot(pattern);
        return root != null ? root : pattern.isEmpty() ? "/" : pattern;
    }

    private static boolean within(String path, String root) {
        return root.isEmpty() || path.equals(root) || path.startsWith(root + "/");
    }
}
