package io.isohost.daemon.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UrlSpaceTest {
    @Test
    void aPatternInsideAnotherServicesPrefixOverlapsIt() {
        assertTrue(UrlSpace.overlap("/rubis/index.html", "/rubis/*"), "an exact path under a prefix");
        assertTrue(UrlSpace.overlap("/rubis/*", "/rubis/index.html"), "either way round");
        assertTrue(UrlSpace.overlap("/rubis/x/*", "/rubis/*"), "a longer prefix under a prefix");
        assertTrue(UrlSpace.overlap("/rubis", "/rubis/*"), "the prefix's own path");
        assertTrue(UrlSpace.overlap("/anything", "/*"), "everything is under /*");
        assertTrue(UrlSpace.overlap("/hello/*", "/"), "and under the default");
        assertTrue(UrlSpace.overlap("/hello/*", "/hello/*"), "the same pattern");
    }

    @Test
    void disjointPathsAndExtensionsDoNotOverlap() {
        assertFalse(UrlSpace.overlap("/rubisx/*", "/rubis/*"), "a longer name is not a sub-path");
        assertFalse(UrlSpace.overlap("/hello/*", "/rubis/*"));
        assertFalse(UrlSpace.overlap("/servlet/a", "/servlet/b"));
        assertFalse(UrlSpace.overlap("*.html", "/rubis/*"), "a prefix always wins over an extension");
    }
}
