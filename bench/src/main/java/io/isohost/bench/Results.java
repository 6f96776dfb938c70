package io.isohost.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every harness does with its figures: summarise samples, and write NAME.json and NAME.md under bench/results. */
public final class Results {
    private Results() {
    }

    /** n, median, p90 and max of samples in milliseconds. */
    public static Map<String, Object> stats(List<Double> ms) {
        List<Double> s = ms.stream().sorted().toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", s.size());
        m.put("median", round(s.get(s.size() / 2)));
        m.put("p90", round(s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.9) - 1))));
        m.put("max", round(s.getLast()));
        return m;
    }

    public static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** The figures with the date, core count and JDK in front. */
    public static Map<String, Object> document(Map<String, Object> figures) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", LocalDate.now().toString());
        doc.put("cores", Runtime.getRuntime().availableProcessors());
        doc.put("jdk", System.getProperty("java.version"));
        doc.putAll(figures);
        return doc;
    }

    public static void write(String name, Map<String, Object> doc, String markdown) throws Exception {
        Path dir = Path.of(System.getProperty("bench.results", "bench/results"));
        Files.createDirectories(dir);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(name + ".json").toFile(), doc);
        Files.writeString(dir.resolve(name + ".md"), markdown);
        System.out.print(markdown);
    }
}
