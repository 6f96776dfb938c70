package io.isohost.deploy;

import io.isohost.descriptor.DescriptorParser;
import io.isohost.descriptor.ServiceDescriptor;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerIdsTest {
    private static ServiceDescriptor service(String name, String statefulComponent) throws Exception {
        return DescriptorParser.parse("""
                <service xmlns="urn:isohost:service:1" name="%s" tenant="t">
                  <shapes><shape name="s"/></shapes>
                  <allocation><containers shape="s" count="2"/></allocation>
                  <components>
                    <component name="%s" replication="stateful"><entry-class>x.Db</entry-class></component>
                    <component name="web"><servlet class="x.Web"><url-pattern>/%s</url-pattern></servlet></component>
                  </components>
                </service>
                """.formatted(name, statefulComponent, name), name + ".xml");
    }

    @Test
    void servicesWhoseContainerIdsCouldMeetAreFound() throws Exception {
        var rubis = service("rubis", "rubis-db");
        assertEquals(Set.of("rubis-rubis-db"), ContainerIds.dedicated(rubis));
        assertTrue(ContainerIds.mayName(rubis, "rubis-17"));
        assertFalse(ContainerIds.mayName(rubis, "rubis-web"), "a replicable component has no container of its own");
        assertEquals(Optional.of("rubis-rubis-db"), ContainerIds.collision(service("rubis-rubis", "db"), rubis));
        // a stateful component named like an allocated container of a service that is its prefix
        assertEquals(Optional.of("a-b-1"), ContainerIds.collision(service("a", "b-1"), service("a-b", "db")));
        assertEquals(Optional.empty(), ContainerIds.collision(service("shop", "db"), service("shop-1", "db")));
    }
}
