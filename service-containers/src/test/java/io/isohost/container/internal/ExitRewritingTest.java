package io.isohost.container.internal;

import io.isohost.container.ComponentCompiler;
import io.isohost.container.IsolateExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A component's calls to System.exit, Runtime.exit and Runtime.halt are rewritten, as it loads, to end the isolate only. */
class ExitRewritingTest {
    static final String QUITTER = """
            package demo;
            public class Quitter {
                public static void systemExit() { System.exit(3); }
                public static void runtimeExit() { Runtime.getRuntime().exit(4); }
                public static void runtimeHalt() { Runtime.getRuntime().halt(5); }
                // its own methods named exit and halt are not the JDK's
                public static int exit(int status) { return status + 1; }
                public static int halt(int status) { return exit(status); }
            }
            """;

    @TempDir
    Path tmp;

    /** Every call in the class, as owner.name descriptor. */
    private static List<String> calls(byte[] bytes) {
        List<String> out = new ArrayList<>();
        for (MethodModel m : ClassFile.of().parse(bytes).methods()) {
            m.code().ifPresent(code -> code.forEach(e -> {
                if (e instanceof InvokeInstruction call) {
                    out.add(call.owner().asInternalName() + "." + call.name().stringValue() + call.type().stringValue());
                }
            }));
        }
        return out;
    }

    @Test
    void theJdksExitsBecomeIsolateExitsAndNothingElseChanges() throws Exception {
        Path classes = ComponentCompiler.compile(tmp.resolve("classes"), Map.of("demo.Quitter", QUITTER));
        byte[] original = Files.readAllBytes(classes.resolve("demo/Quitter.class"));
        List<String> before = calls(original);
        assertTrue(before.contains("java/lang/System.exit(I)V"), before.toString());

        List<String> after = calls(IsolateClassLoader.rewriteExits(original));
        String exit = IsolateExit.class.getName().replace('.', '/');
        assertEquals(List.of(), after.stream().filter(c -> c.startsWith("java/lang/System.exit")
                || c.startsWith("java/lang/Runtime.exit") || c.startsWith("java/lang/Runtime.halt")).toList());
        assertTrue(after.contains(exit + ".exit(I)V"), after.toString());
        assertTrue(after.contains(exit + ".exit(Ljava/lang/Runtime;I)V"), after.toString());
        assertTrue(after.contains(exit + ".halt(Ljava/lang/Runtime;I)V"), after.toString());
        assertTrue(after.contains("demo/Quitter.exit(I)I"), "the class's own exit is still called: " + after);
        assertEquals(before.size(), after.size(), "one call for one call");
    }

    @Test
    void aLoadedComponentThatExitsThrowsInsteadOfEndingTheJvm() throws Exception {
        Path classes = ComponentCompiler.compile(tmp.resolve("classes"), Map.of("demo.Quitter", QUITTER));
        try (var loader = new IsolateClassLoader("exit-test", new URL[]{classes.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> quitter = loader.loadClass("demo.Quitter");
            assertSame(loader, quitter.getClassLoader());
            assertEquals(3, statusOf(quitter, "systemExit"));
            assertEquals(4, statusOf(quitter, "runtimeExit"));
            assertEquals(5, statusOf(quitter, "runtimeHalt"));
            assertEquals(7, quitter.getMethod("halt", int.class).invoke(null, 6), "its own halt and exit run");
        }
    }

    private static int statusOf(Class<?> c, String method) throws Exception {
        var e = assertThrows(InvocationTargetException.class, () -> c.getMethod(method).invoke(null));
        return assertInstanceOf(IsolateExit.ExitRequested.class, e.getCause()).status();
    }
}
