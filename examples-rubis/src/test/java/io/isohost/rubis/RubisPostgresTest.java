package io.isohost.rubis;

import io.isohost.rubis.db.DatabaseAccess;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every interaction again, on a real PostgreSQL server (the RUBiS application is the same; only
 * the JDBC URL differs). Runs where {@code RUBIS_PG_URL} names a database it may empty, as
 * {@code .ci/run} sets it after installing PostgreSQL from Debian's packages; skipped elsewhere.
 */
class RubisPostgresTest extends RubisAppTest {
    @BeforeAll
    static void start() throws Exception {
        String url = System.getenv("RUBIS_PG_URL");
        assumeTrue(url != null && !url.isBlank(), "RUBIS_PG_URL is not set: no PostgreSQL to test against");
        startWith(DatabaseAccess.of(url, System.getenv().getOrDefault("RUBIS_PG_USER", "rubis"),
                System.getenv().getOrDefault("RUBIS_PG_PASSWORD", "rubis")));
    }
}
