package io.isohost.container;

/** Sources of components the tests of several modules compile with {@link ComponentCompiler}. */
public final class TestComponents {
    /** {@code demo.Counts}: a servlet counting its requests in a file of its component directory. */
    public static final String COUNTS = """
            package demo;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            import java.nio.file.*;
            public class Counts extends HttpServlet {
                @Override protected synchronized void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    var ctx = (io.isohost.container.ComponentContext) getServletContext()
                        .getAttribute(io.isohost.container.ComponentContext.class.getName());
                    Path file = ctx.directory().resolve("count");
                    int n = Files.exists(file) ? Integer.parseInt(Files.readString(file)) + 1 : 1;
                    Files.writeString(file, Integer.toString(n));
                    resp.getWriter().print(n);
                }
            }
            """;

    private TestComponents() {
    }
}
