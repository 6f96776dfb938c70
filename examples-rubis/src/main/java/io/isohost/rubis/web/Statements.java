package io.isohost.rubis.web;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Prepared statements kept per pooled connection. Over H2's TCP protocol every prepare is a round
 * trip of its own, so reusing them halves the trips of a query; PostgreSQL's driver caches
 * server-side statements anyway. The statement handed out ignores {@code close()}, so callers use
 * try-with-resources as usual; it dies with its connection.
 */
public final class Statements {
    private static final Map<Connection, Map<String, PreparedStatement>> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    private Statements() {
    }

    public static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        Connection raw = c.unwrap(Connection.class);
        // a pooled connection serves one thread at a time, so its own map needs no lock
        Map<String, PreparedStatement> mine = CACHE.computeIfAbsent(raw, k -> new HashMap<>());
        PreparedStatement s = mine.get(sql);
        if (s == null || s.isClosed()) {
            s = raw.prepareStatement(sql);
            mine.put(sql, s);
        } else {
            s.clearParameters();
        }
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
        return kept(s);
    }

    private static PreparedStatement kept(PreparedStatement s) {
        return (PreparedStatement) Proxy.newProxyInstance(Statements.class.getClassLoader(), new Class<?>[]{PreparedStatement.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        return null;
                    }
                    try {
                        return method.invoke(s, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
