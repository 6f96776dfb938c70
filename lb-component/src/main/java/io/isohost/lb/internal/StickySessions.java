package io.isohost.lb.internal;

import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Request;

import java.util.List;

/**
 * Sticky sessions: the suffix after the last {@code .} of a {@code JSESSIONID} (cookie, or
 * {@code ;jsessionid=} in the path) names the backend that owns the session.
 */
final class StickySessions {
    private StickySessions() {
    }

    /** The session suffix a request names, or null. */
    static String owner(Request request) {
        String id = null;
        for (HttpCookie c : Request.getCookies(request)) {
            if (c.getName().equalsIgnoreCase("JSESSIONID")) {
                id = c.getValue();
            }
        }
        if (id == null) {
            String p = request.getHttpURI().getParam();
            if (p != null && p.startsWith("jsessionid=")) {
                id = p.substring("jsessionid=".length());
            }
        }
        if (id == null) {
            return null;
        }
        int dot = id.lastIndexOf('.');
        return dot >= 0 && dot < id.length() - 1 ? id.substring(dot + 1) : null;
    }

    /**
     * The preferred owner if it is among the eligible backends; an owner that is down, draining or no
     * longer hosts the route is forgotten (null), so that the request is dispatched afresh.
     */
    static String keepIfEligible(String preferred, List<BackendState> eligible) {
        if (preferred == null) {
            return null;
        }
        for (BackendState b : eligible) {
            if (b.sessionSuffix.equals(preferred)) {
                return preferred;
            }
        }
        return null;
    }
}
