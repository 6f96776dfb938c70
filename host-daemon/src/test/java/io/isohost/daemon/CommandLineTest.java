package io.isohost.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code isohost} command line without a host: help, usage errors and their exit codes. */
class CommandLineTest {
    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {
    }

    private static Run run(boolean fromScript, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = new Isohost(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), fromScript).run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run run(String... args) {
        return run(false, args);
    }

    @Test
    void helpListsTheVerbsInTheOrderOfAHostsLifeAndTheExitCodes() {
        Run help = run("--help");
        assertEquals(Isohost.OK, help.status());
        assertTrue(help.out().indexOf("  start ") < help.out().indexOf("  status ")
                && help.out().indexOf("  status ") < help.out().indexOf("  stop ")
                && help.out().indexOf("  stop ") < help.out().indexOf("  lb "), help.out());
        assertTrue(help.out().contains("3   no host running"), help.out());
        assertEquals(help.out(), run("help").out());
        Run bare = run();
        assertEquals(Isohost.USAGE, bare.status(), "no verb is a usage error");
        assertEquals(help.out(), bare.out());
    }

    @Test
    void theVerbsTheScriptRunsAreListedOnlyWhenTheScriptRunsTheJar() {
        assertFalse(run("help").out().contains("demo"), "java -jar cannot run demo, so does not offer it");
        assertEquals(Isohost.USAGE, run("demo").status());
        Run fromScript = run(true, "help");
        for (String verb : new String[]{"demo", "rubis", "bench"}) {
            assertTrue(fromScript.out().contains("  " + verb + " "), fromScript.out());
            Run verbHelp = run(true, verb, "--help");
            assertEquals(Isohost.OK, verbHelp.status());
            assertTrue(verbHelp.out().startsWith("Usage: isohost " + verb), verbHelp.out());
        }
        assertTrue(run(true, "rubis", "--help").out().contains("isohost rubis load [--db URL]"));
        assertEquals(Isohost.USAGE, run(true, "bench").status(), "'bench' alone is incomplete");
    }

    @ParameterizedTest
    @ValueSource(strings = {"start", "status", "quota", "submit", "services", "swap-generator", "allocate", "stop", "data-directory",
            "lb", "triad"})
    void everyVerbHasHelp(String verb) {
        Run help = run(verb, "--help");
        assertEquals(Isohost.OK, help.status(), help.err());
        assertTrue(help.out().startsWith("Usage: isohost " + verb), help.out());
        assertEquals(help.out(), run("help", verb).out());
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhatIsWrong() {
        Run unknown = run("statsu");
        assertEquals(Isohost.USAGE, unknown.status());
        assertTrue(unknown.err().contains("'statsu'") && unknown.err().contains("isohost status"), unknown.err());
        Run notANumber = run("allocate", "hello", "many");
        assertEquals(Isohost.USAGE, notANumber.status());
        assertTrue(notANumber.err().contains("'many' is not an int")
                && notANumber.err().contains("isohost allocate --help"), notANumber.err());
        assertEquals(Isohost.USAGE, run("submit").status(), "a missing descriptor");
        assertEquals(Isohost.USAGE, run("quota", "app-1", "rubis.tx").status(), "a resource without a rate");
        assertEquals(Isohost.USAGE, run("swap-generator", "s", "g", "novalue").status());
        Run range = run("status", "--container-ports", "20000");
        assertEquals(Isohost.USAGE, range.status());
        assertTrue(range.err().contains("--container-ports takes a range"), range.err());
        assertEquals(Isohost.USAGE, run("status", "--admin-port", "70000").status());
        assertEquals(Isohost.USAGE, run("lb").status(), "lb needs --config");
    }

    private Run runIn(Path workingDirectory, java.util.Map<String, String> env, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = new Isohost(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, env, workingDirectory).run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theDataDirectoryIsTheFlagThenTheVariableThenTheLocalOneThenTheUsers() throws Exception {
        Path work = java.nio.file.Files.createDirectories(tmp.resolve("work"));
        Path home = tmp.resolve("home");
        Path flag = tmp.resolve("flag");
        Path variable = tmp.resolve("variable");
        var env = java.util.Map.of("HOME", home.toString());
        Run userDefault = runIn(work, env, "status");
        assertEquals(Isohost.NOT_RUNNING, userDefault.status());
        assertTrue(userDefault.err().contains("no admin token at " + home.resolve(".isohost/admin.token")), userDefault.err());
        assertTrue(userDefault.err().contains("$ISOHOST_DATA"), "says where it looks: " + userDefault.err());
        Run xdg = runIn(work, java.util.Map.of("HOME", home.toString(), "XDG_STATE_HOME", tmp.resolve("state").toString()), "status");
        assertTrue(xdg.err().contains(tmp.resolve("state/isohost/admin.token").toString()), xdg.err());
        java.nio.file.Files.createDirectories(work.resolve(".isohost"));
        assertTrue(runIn(work, env, "status").err().contains(work.resolve(".isohost/admin.token").toString()),
                "./.isohost when it exists");
        var withVariable = java.util.Map.of("HOME", home.toString(), "ISOHOST_DATA", variable.toString());
        assertTrue(runIn(work, withVariable, "status").err().contains(variable.resolve("admin.token").toString()));
        assertTrue(runIn(work, withVariable, "status", "--data", flag.toString()).err()
                .contains(flag.resolve("admin.token").toString()), "the flag wins");
        assertEquals(variable.toAbsolutePath().toString(), runIn(work, withVariable, "data-directory").out().strip(),
                "the script's rubis load asks the same");
    }

    @Test
    void aHostIsFoundFromAnotherDirectoryThroughTheVariable() throws Exception {
        DaemonSettings s = TestHosts.settings(tmp.resolve("data")).withRouterPort(0);
        try (Daemon daemon = Daemon.start(s, javax.management.MBeanServerFactory.newMBeanServer())) {
            Run status = runIn(java.nio.file.Files.createDirectories(tmp.resolve("elsewhere")),
                    java.util.Map.of("ISOHOST_DATA", s.dataDirectory().toString()),
                    "status", "--admin-port", Integer.toString(s.adminPort()));
            assertEquals(Isohost.OK, status.status(), status.err());
            assertTrue(status.out().contains("isohost-generators"), status.out());
        }
    }

    @Test
    void aRunningHostsPortsAreFoundInItsDataDirectoryUnlessAFlagNamesThem() throws Exception {
        DaemonSettings s = TestHosts.settings(tmp.resolve("data")).withRouterPort(0);
        Path record = s.dataDirectory().resolve("host.properties");
        try (Daemon daemon = Daemon.start(s, javax.management.MBeanServerFactory.newMBeanServer())) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(record)));
            Run status = run("status", "--data", s.dataDirectory().toString());
            assertEquals(Isohost.OK, status.status(), status.err());
            assertTrue(status.out().contains("isohost-generators"), status.out());
            int elsewhere = io.isohost.testing.FreePorts.port();
            Run flag = run("status", "--data", s.dataDirectory().toString(), "--admin-port", Integer.toString(elsewhere));
            assertEquals(Isohost.NOT_RUNNING, flag.status(), "the flag wins: " + flag.err());
            assertTrue(flag.err().contains(":" + elsewhere), flag.err());
        }
        assertFalse(java.nio.file.Files.exists(record), "a clean stop removes the record");
    }

    @Test
    void aVerbWithNoHostExitsWithThree() {
        Run none = run("status", "--data", tmp.toString());
        assertEquals(Isohost.NOT_RUNNING, none.status());
        assertTrue(none.err().contains(tmp.toString()), none.err());
    }
}
