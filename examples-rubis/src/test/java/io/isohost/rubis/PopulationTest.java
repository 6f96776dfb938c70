package io.isohost.rubis;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PopulationTest {
    private final List<String> regions = Population.ofScale(0.01).regions();

    /** Region id (1-based, as loaded) of {@code name}. */
    private int id(String name) {
        assertTrue(regions.contains(name), name + " is one of the regions: " + regions);
        return regions.indexOf(name) + 1;
    }

    @Test
    void regionsAreTheOriginalListInItsOrder() {
        assertEquals(62, regions.size());
        assertEquals(62, new HashSet<>(regions).size(), "no region twice");
        assertTrue(regions.stream().allMatch(r -> r.matches("[A-Z]{2}--\\S.*\\S")), "every name is ST--City, trimmed: " + regions);
        // the names that differed from RUBiS's ebay_regions.txt, at the original's ids
        assertEquals(1, id("AZ--Phoenix"));
        assertEquals(14, id("FL--Tampa-St. Pete"));
        assertEquals(15, id("FL--West Palm Beach"));
        assertEquals(18, id("ID--Billings-Boise"));
        assertEquals(21, id("KS--Kansas City"));
        assertEquals(24, id("MA--Boston"));
        assertEquals(28, id("MN--Minn-St. Paul"));
        assertEquals(31, id("MT--Billings-Boise"));
        assertEquals(33, id("NC--Greensboro"));
        assertEquals(35, id("ND--Bismarck-Pierre"));
        assertEquals(51, id("SD--Bismarck-Pierre"));
        assertEquals(59, id("VA--Norfolk-VA Beach"));
        assertEquals(60, id("VA--Richmond"));
        assertEquals(61, id("WA--Seattle-Tacoma"));
        assertEquals(62, id("WI--Milwaukee"));
    }
}
