package io.isohost.rubis.servlets;

import jakarta.servlet.http.HttpServletRequest;

import java.sql.SQLException;
import java.util.List;

/** Open auctions in one category. */
public class SearchItemsByCategory extends ItemSearch {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        int category = intParam(req, "category");
        String name = param(req, "categoryName", "category " + category);
        return results(req, "Items in category " + name,
                "SELECT id, name, initial_price, max_bid, nb_of_bids, end_date FROM items WHERE category=? AND end_date>=? "
                        + "ORDER BY end_date LIMIT ? OFFSET ?",
                List.of(category), "category", Integer.toString(category), "categoryName", name);
    }
}
