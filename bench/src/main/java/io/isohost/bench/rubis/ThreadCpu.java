package io.isohost.bench.rubis;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Map;
import java.util.TreeMap;

/** CPU time of this JVM's live threads, summed by what they do (told by their names). */
final class ThreadCpu {
    private ThreadCpu() {
    }

    static Map<String, Long> byRole() {
        var mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new TreeMap<>();
        for (long id : mx.getAllThreadIds()) {
            ThreadInfo info = mx.getThreadInfo(id);
            long ns = mx.getThreadCpuTime(id);
            if (info != null && ns > 0) {
                out.merge(role(info.getThreadName()), ns, Long::sum);
            }
        }
        return out;
    }

    static String role(String name) {
        if (name.startsWith("c-rubis-rubis-db") || name.startsWith("H2 ") || name.contains("h2") || name.startsWith("MVStore")) {
            return "database (H2 server)";
        }
        if (name.startsWith("c-rubis-") || name.startsWith("isolate") || name.startsWith("rubis-")) {
            return "application server (Jetty + servlets + JDBC client)";
        }
        if (name.startsWith("lb")) {
            return "load balancer";
        }
        if (name.startsWith("HttpClient") || name.startsWith("ForkJoinPool") || name.startsWith("rubis-emulator")) {
            return "client emulator";
        }
        return "other: " + name.replaceAll("[-#0-9]+$", "");
    }
}
