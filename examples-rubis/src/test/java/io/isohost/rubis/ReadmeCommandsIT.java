package io.isohost.rubis;

import io.isohost.testing.FreePorts;
import io.isohost.testing.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the README's command blocks (every {@code sh} block after "Set up") through {@code ./isohost}
 * against a host in the state {@code ./isohost demo} leaves: RUBiS submitted and a small database
 * loaded. The commands run as written, in the project's directory, with this test's own data
 * directory and ports put in place of the defaults so that it never meets a host someone runs.
 */
class ReadmeCommandsIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;
    Process host;

    /** The README's sh blocks, each as its lines, in order. */
    static List<String> blocks(String readme) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)```sh\n(.*?)```").matcher(readme);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @AfterEach
    void stopHost() throws InterruptedException {
        if (host != null) {
            host.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyCommandInTheReadmeWorksAfterTheDemo() throws Exception {
        List<String> blocks = blocks(Files.readString(ROOT.resolve("README.md")));
        assertTrue(blocks.size() >= 3, "the README's set-up block and its command blocks");
        assertTrue(blocks.getFirst().contains("./isohost demo"), "the first block sets up: " + blocks.getFirst());
        Path data = tmp.resolve("data");
        int admin = FreePorts.port();
        int router = FreePorts.port();
        int first = FreePorts.range(100);
        String hostOptions = "--data " + data + " --admin-port " + admin;

        // the demo's state: a host with RUBiS (its database on a port of this test's) and a small database
        var start = new ProcessBuilder("./isohost", "start", "--data", data.toString(), "--admin-port", Integer.toString(admin),
                "--jmx-port", Integer.toString(FreePorts.port()), "--router-port", Integer.toString(router),
                "--container-ports", first + "-" + (first + 99))
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("host.log").toFile());
        start.environment().put("ISOHOST_NO_BUILD", "1"); // this build's jars, as they are
        host = start.start();
        Waits.await("the host to say it is ready", Duration.ofSeconds(90)).until(() -> {
            assertTrue(host.isAlive(), "the host ended; its log: " + tmp.resolve("host.log"));
            return Files.readString(tmp.resolve("host.log")).contains("isohost host ready");
        });
        Path rubis = tmp.resolve("rubis.xml");
        Files.writeString(rubis, Files.readString(ROOT.resolve("docs/examples/rubis.xml"))
                .replace("../../examples-rubis/target", ROOT.resolve("examples-rubis/target").toString())
                .replace("7190", Integer.toString(FreePorts.port())));
        run("./isohost submit " + hostOptions + " " + rubis + "\n./isohost rubis load --data " + data + " --scale 0.001\n");

        for (String block : blocks.subList(1, blocks.size())) {
            String script = block
                    .replaceAll("(?m)^(\\./isohost (?:status|services|quota|allocate|swap-generator|submit|remove|stop))\\b",
                            "$1 " + hostOptions)
                    .replaceAll("(?m)^(\\./isohost rubis load)\\b", "$1 --data " + data)
                    .replaceAll("(?m)^(\\./isohost bench rubis)\\b", "$1 --url http://127.0.0.1:" + router)
                    .replace("127.0.0.1:7170", "127.0.0.1:" + admin)
                    .replace("127.0.0.1:7180", "127.0.0.1:" + router)
                    .replace(".isohost/", data + "/")
                    .replaceAll("(?m)(^|\\$\\()curl ", "$1curl -fsS "); // an HTTP error fails the command
            run(script);
        }
        assertTrue(host.waitFor(60, TimeUnit.SECONDS), "the README's last command stops the host");
        assertFalse(Files.readString(tmp.resolve("host.log")).contains("Exception in thread"), "the host log shows no crash");
    }

    /** Runs a block with bash, stopping at the first command that fails, and names that command. */
    private void run(String script) throws Exception {
        Path log = tmp.resolve("commands.log");
        var command = new ProcessBuilder("bash", "-c", "set -euo pipefail -x\n" + script)
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        command.environment().put("ISOHOST_NO_BUILD", "1");
        Process p = command.start();
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, "the commands did not end:\n" + output);
        assertEquals(0, p.exitValue(), "a README command failed:\n" + output);
    }
}
