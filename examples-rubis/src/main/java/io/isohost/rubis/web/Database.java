package io.isohost.rubis.web;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.isohost.rubis.db.DatabaseAccess;

import java.util.HashMap;
import java.util.Map;

/**
 * One connection pool per database URL, shared by every servlet of an application-server
 * replica. The map is static, and a replica's classes are its own, so each replica has its own
 * pools; the last servlet to let go closes the pool with the replica.
 */
public final class Database {
    private record Pool(HikariDataSource source, int[] users) {
    }

    private static final Map<String, Pool> POOLS = new HashMap<>();

    private Database() {
    }

    public static synchronized HikariDataSource acquire(DatabaseAccess access, int size) {
        Pool pool = POOLS.computeIfAbsent(access.url() + "\u0000" + access.user(), k -> {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(access.url());
            // named, so that Hikari loads it from this replica's own jars (DriverManager looks in the host's)
            config.setDriverClassName(access.url().startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : "org.h2.Driver");
            config.setUsername(access.user());
            config.setPassword(access.password());
            config.setMaximumPoolSize(size);
            config.setMinimumIdle(Math.min(4, size));
            config.setPoolName("rubis");
            config.setConnectionTimeout(10_000);
            // a replica may start before the database does: connect on first use, not at start
            config.setInitializationFailTimeout(-1);
            return new Pool(new HikariDataSource(config), new int[1]);
        });
        pool.users()[0]++;
        return pool.source();
    }

    public static synchronized void release(HikariDataSource source) {
        POOLS.values().removeIf(pool -> {
            if (pool.source() == source && --pool.users()[0] == 0) {
                pool.source().close();
                return true;
            }
            return false;
        });
    }
}
