package io.isohost.rubis.servlets;

import jakarta.servlet.http.HttpServletRequest;

import java.sql.SQLException;
import java.util.List;

/** Open auctions in one category whose seller lives in one region: RUBiS's heaviest read. */
public class SearchItemsByRegion extends ItemSearch {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        int region = intParam(req, "region");
        int category = intParam(req, "category");
        String name = param(req, "categoryName", "category " + category);
        return results(req, "Items in category " + name + " in region " + region,
                "SELECT items.id, items.name, items.initial_price, items.max_bid, items.nb_of_bids, items.end_date "
                        + "FROM items JOIN users ON items.seller=users.id WHERE users.region=? AND items.category=? AND items.end_date>=? "
                        + "ORDER BY items.end_date LIMIT ? OFFSET ?",
                List.of(region, category), "category", Integer.toString(category), "categoryName", name, "region", Integer.toString(region));
    }
}
