package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Three interactions: all categories linking to a category search; with {@code region=NAME}, the
 * categories linking to a search in that region; with nickname and password, the categories
 * linking to the sell form (after authentication).
 */
public class BrowseCategories extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        String region = param(req, "region", null);
        String nickname = param(req, "nickname", null);
        return read(c -> {
            Html page;
            Integer regionId = null;
            int userId = -1;
            if (region != null) {
                Object id = single(c, "SELECT id FROM regions WHERE name=?", region);
                if (id == null) {
                    return new Html("Browse categories").p("Sorry, region '" + region + "' does not exist.").end();
                }
                regionId = ((Number) id).intValue();
                page = new Html("Categories in " + region);
            } else if (nickname != null) {
                userId = authenticate(c, nickname, param(req, "password", ""));
                if (userId < 0) {
                    // the original prints this one as a plain page, neither an error nor a "Sorry"
                    return new Html("Sell an item").p(NO_ACCOUNT).end();
                }
                page = new Html("Select the category of the item you sell");
            } else {
                page = new Html("All categories");
            }
            page.raw("<ul>\n");
            try (var s = prepare(c, "SELECT id, name FROM categories ORDER BY id"); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String id = Integer.toString(r.getInt(1));
                    String name = r.getString(2);
                    page.raw("<li>");
                    if (regionId != null) {
                        page.link("SearchItemsByRegion", name, "category", id, "categoryName", name, "region", regionId.toString());
                    } else if (userId >= 0) {
                        page.link("SellItemForm", name, "category", id, "user", Integer.toString(userId));
                    } else {
                        page.link("SearchItemsByCategory", name, "category", id, "categoryName", name);
                    }
                    page.raw("</li>\n");
                }
            }
            return page.raw("</ul>\n").end();
        });
    }
}
