package io.isohost.examples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** The smallest isohost component: one servlet that counts one unit of "requests" work and says hello. */
public class HelloServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getWriter().println("hello from " + getServletContext().getServletContextName() + " " + req.getPathInfo());
    }
}
