package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Every region, each linking to the categories in that region. */
public class BrowseRegions extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        return read(c -> {
            Html page = new Html("All regions").raw("<ul>\n");
            try (var s = prepare(c, "SELECT name FROM regions ORDER BY id"); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    page.raw("<li>").link("BrowseCategories", r.getString(1), "region", r.getString(1)).raw("</li>\n");
                }
            }
            return page.raw("</ul>\n").end();
        });
    }
}
