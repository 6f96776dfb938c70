package io.isohost.rubis.db;

import io.isohost.rubis.Population;
import io.isohost.rubis.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code isohost rubis load} finds the running RUBiS database through the host's data directory. */
class LoadMainTest {
    @TempDir
    Path dir;

    int load(ByteArrayOutputStream err, String... args) {
        return LoadMain.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void itLoadsTheDatabaseOfTheServiceRunningInTheHost() throws Exception {
        Path data = dir.resolve("data");
        // where a host puts a service's stateful component: DATA/services/SERVICE/components/COMPONENT
        Path component = data.resolve("services").resolve("rubis").resolve("components").resolve("rubis-db");
        var server = new DatabaseServer();
        server.start(new TestContext(component, List.of("--port=0")));
        try {
            var err = new ByteArrayOutputStream();
            assertEquals(0, load(err, "--data", data.toString(), "--scale", "0.0005"), err.toString());
            DatabaseAccess access = DatabaseAccess.read(component.resolve(DatabaseAccess.FILE));
            try (Connection c = access.connect(); ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM users")) {
                r.next();
                assertEquals(Population.ofScale(0.0005).users(), r.getInt(1));
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void withNoDatabaseItSaysWhereItLooked() {
        var err = new ByteArrayOutputStream();
        Path data = dir.resolve("nothing-here");
        assertEquals(1, load(err, "--data", data.toString()));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains(data.resolve("services").toAbsolutePath() + "/*/components/rubis-db/" + DatabaseAccess.FILE), message);
        assertTrue(message.contains("--data") && message.contains("--db"), "and how to point it elsewhere: " + message);
    }
}
