package io.isohost.deploy;

import io.isohost.descriptor.ServiceDescriptor;
import io.isohost.testing.HostileXml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.isohost.deploy.Services.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StaticTest {
    final ServiceDescriptor hello = Services.hello(3);

    @Test
    void readsTheMapFromAFileNextToTheDescriptor() {
        Deployment d = Services.generator("static", hello, Map.of("file", "hello-static.xml"))
                .generate(GeneratorInput.initial(hello, T0));
        assertEquals(List.of("hello-1", "hello-2"), d.routes().get("hello-web"));
        assertEquals("small", d.container("hello-1").orElseThrow().shape().name());
    }

    @Test
    void unknownComponentInTheMapIsRefusedWithLineAndColumn(@TempDir Path dir) throws Exception {
        Path map = dir.resolve("map.xml");
        Files.writeString(map, """
                <deployment xmlns="urn:isohost:deployment:1">
                  <container id="hello-1" shape="small">
                    <component name="hello-api"/>
                  </container>
                </deployment>
                """);
        DeploymentGenerator g = Services.generator("static", hello, Map.of("file", map.toString()));
        GeneratorException e = assertThrows(GeneratorException.class, () -> g.generate(GeneratorInput.initial(hello, T0)));
        assertTrue(e.getMessage().contains(map + ":3:34: component 'hello-api' is not a component of service 'hello'"),
                e.getMessage());
    }

    @Test
    void aMapNeedingMoreContainersThanAllocatedIsRefused() {
        ServiceDescriptor one = Services.hello(1);
        DeploymentGenerator g = Services.generator("static", one, Map.of("file", "hello-static.xml"));
        GeneratorException e = assertThrows(GeneratorException.class, () -> g.generate(GeneratorInput.initial(one, T0)));
        assertTrue(e.getMessage().endsWith("places replicable components in 2 containers but the service 'hello' is allocated 1"),
                e.getMessage());
    }

    @Test
    void theFileParameterIsRequired() {
        GeneratorException e = assertThrows(GeneratorException.class, () -> Services.generator("static", hello, Map.of()));
        assertEquals("generator static needs parameter 'file': the deployment map to read", e.getMessage());
    }

    @Test
    void hostileMapsAreRefusedWhereTheyStartAndReachNothing(@TempDir Path dir) throws Exception {
        HostileXml.assertRefusedByReader(dir, "deployment", "urn:isohost:deployment:1", """
                <deployment xmlns="urn:isohost:deployment:1"><container id="hello-1" shape="small"><component name="hello-web"/></container></deployment>
                """, f -> assertThrows(GeneratorException.class, () -> Services.generator("static", hello, Map.of("file", f.toString()))
                .generate(GeneratorInput.initial(hello, T0))).getMessage());
    }
}
