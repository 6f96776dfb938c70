package io.isohost.daemon;

import java.time.Duration;

/** Starts {@code isohost start} in a JVM of its own, as an operator would, and waits until it is ready. */
final class ChildHost {
    private ChildHost() {
    }

    static Process start(DaemonSettings s) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Isohost.class.getName(),
                "start", "--data", s.dataDirectory().toString(), "--admin-port", Integer.toString(s.adminPort()),
                "--jmx-port", Integer.toString(s.jmxPort()), "--router-port", Integer.toString(s.routerPort()),
                "--container-ports", s.firstContainerPort() + "-" + s.lastContainerPort())
                .redirectErrorStream(true).start();
        var reader = p.inputReader();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String line;
        while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
            if (line.startsWith("isohost host ready")) {
                Thread.ofPlatform().daemon().start(() -> reader.lines().forEach(l -> { }));
                return p;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("the host process did not say it was ready");
    }
}
