package io.isohost.lb.internal;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the balancer, as an intermediary must treat them (RFC 9110 §7.6.1) and as
 * Jetty's {@code ProxyHandler} does: hop-by-hop headers and those a message's {@code Connection}
 * header names stay behind, in both directions. A forwarded request says where it came from:
 * {@code X-Forwarded-For} gets the client's address appended, {@code Via} this hop appended,
 * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} say what the balancer received (set, not
 * trusted from the client), and, when configured, RFC 7239's {@code Forwarded} gets this hop appended.
 */
final class ForwardingHeaders {
    /** The backends may report their CPU load (0-1) in this response header; it is meant for the balancer. */
    static final String LOAD_HEADER = "X-Isohost-Cpu-Load";
    /** How this hop names itself in {@code Via} (a pseudonym, as RFC 9110 §7.6.3 allows). */
    static final String VIA_NAME = "isohost";
    private static final String VIA_1_1 = "1.1 " + VIA_NAME;

    private static final EnumSet<HttpHeader> HOP_BY_HOP = EnumSet.of(HttpHeader.CONNECTION, HttpHeader.KEEP_ALIVE,
            HttpHeader.PROXY_CONNECTION, HttpHeader.PROXY_AUTHENTICATE, HttpHeader.PROXY_AUTHORIZATION, HttpHeader.TE,
            HttpHeader.TRAILER, HttpHeader.TRANSFER_ENCODING, HttpHeader.UPGRADE);
    /**
     * Request headers not copied as they are: the hop-by-hop ones; Host and Content-Length, which the
     * backend request gets from its own URI and buffered body; those this hop rewrites.
     */
    private static final EnumSet<HttpHeader> NOT_COPIED = union(HOP_BY_HOP, HttpHeader.HOST, HttpHeader.CONTENT_LENGTH,
            HttpHeader.X_FORWARDED_FOR, HttpHeader.X_FORWARDED_PROTO, HttpHeader.X_FORWARDED_HOST, HttpHeader.VIA,
            HttpHeader.FORWARDED);
    /** Response headers not relayed: hop-by-hop, Content-Length (set from the body), Date (the balancer's own, as nginx). */
    private static final EnumSet<HttpHeader> NOT_RELAYED = union(HOP_BY_HOP, HttpHeader.CONTENT_LENGTH, HttpHeader.DATE);

    private final boolean forwarded;

    /** @param forwarded also add RFC 7239's {@code Forwarded} header */
    ForwardingHeaders(boolean forwarded) {
        this.forwarded = forwarded;
    }

    private static EnumSet<HttpHeader> union(EnumSet<HttpHeader> base, HttpHeader... more) {
        EnumSet<HttpHeader> s = EnumSet.copyOf(base);
        s.addAll(java.util.List.of(more));
        return s;
    }

    /** The headers of the request to the backend, from the client's request {@code in}. */
    void request(Request in, HttpFields.Mutable out) {
        HttpFields headers = in.getHeaders();
        Set<String> named = connectionOptions(headers);
        String forwardedFor = null;
        String via = null;
        String forwardedList = null;
        for (HttpField f : headers) {
            if (named != null && named.contains(f.getLowerCaseName())) {
                continue;
            }
            HttpHeader h = f.getHeader();
            if (h == null || !NOT_COPIED.contains(h)) {
                out.add(f);
            } else if (h == HttpHeader.X_FORWARDED_FOR) {
                forwardedFor = join(forwardedFor, f.getValue());
            } else if (h == HttpHeader.VIA) {
                via = join(via, f.getValue());
            } else if (h == HttpHeader.FORWARDED) {
                forwardedList = join(forwardedList, f.getValue());
            }
        }
        String client = Request.getRemoteAddr(in);
        String scheme = in.getHttpURI().getScheme();
        String host = headers.get(HttpHeader.HOST);
        if (host == null) {
            host = in.getHttpURI().getAuthority();
        }
        out.add(HttpHeader.X_FORWARDED_FOR, join(forwardedFor, client));
        out.add(HttpHeader.X_FORWARDED_PROTO, scheme);
        if (host != null) {
            out.add(HttpHeader.X_FORWARDED_HOST, host);
        }
        out.add(HttpHeader.VIA, join(via, viaOf(in)));
        if (forwarded) {
            out.add(HttpHeader.FORWARDED, join(forwardedList, "by=" + node(Request.getLocalAddr(in)) + ";for=" + node(client)
                    + (host == null ? "" : ";host=" + quoteIfNeeded(host)) + ";proto=" + scheme));
        } else if (forwardedList != null) {
            out.add(HttpHeader.FORWARDED, forwardedList); // not this hop's to add to, but not its to drop either
        }
    }

    /** Whether a backend's response header goes on to the client. */
    static boolean relayed(HttpField f, Set<String> named) {
        HttpHeader h = f.getHeader();
        if (h != null) {
            return !NOT_RELAYED.contains(h) && (named == null || !named.contains(f.getLowerCaseName()));
        }
        return !f.getName().equalsIgnoreCase(LOAD_HEADER) && (named == null || !named.contains(f.getLowerCaseName()));
    }

    /**
     * The header names a message's {@code Connection} header lists (its connection options), lower
     * case, or null when it lists none beyond the standard tokens ({@code close}, {@code keep-alive},
     * {@code upgrade} are hop-by-hop anyway).
     */
    static Set<String> connectionOptions(HttpFields headers) {
        HttpField connection = headers.getField(HttpHeader.CONNECTION);
        if (connection == null) {
            return null;
        }
        Set<String> named = null;
        for (HttpField f : headers) {
            if (f.getHeader() != HttpHeader.CONNECTION) {
                continue;
            }
            for (String option : f.getValues()) {
                String name = option.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !name.equals("close") && !name.equals("keep-alive") && !name.equals("upgrade")) {
                    if (named == null) {
                        named = new HashSet<>();
                    }
                    named.add(name);
                }
            }
        }
        return named;
    }

    private static String viaOf(Request in) {
        String protocol = in.getConnectionMetaData().getProtocol();
        if ("HTTP/1.1".equals(protocol)) {
            return VIA_1_1;
        }
        // RFC 9110 §7.6.3: the protocol name is omitted when it is HTTP
        return (protocol.startsWith("HTTP/") ? protocol.substring(5) : protocol) + " " + VIA_NAME;
    }

    private static String join(String list, String value) {
        return list == null ? value : list + ", " + value;
    }

    /** An RFC 7239 node: an IPv6 address is bracketed and quoted. */
    private static String node(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        return address.startsWith("[") ? '"' + address + '"' : "\"[" + address + "]\"";
    }

    private static String quoteIfNeeded(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
            }
        }
        return value;
    }
}
