package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.Images;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The two searches' shared half: open auctions, soonest ending first, a page at a time. */
abstract class ItemSearch extends RubisServlet {

    /** Runs the search (its parameters after the open-since time, then limit and offset) and prints a page of results. */
    protected String results(HttpServletRequest req, String title, String sql, List<Object> params, String... linkParams) throws SQLException {
        int page = Math.max(0, intParam(req, "page", 0));
        int perPage = Math.clamp(intParam(req, "nbOfItems", 25), 1, 100);
        return read(c -> {
            List<Object> all = new ArrayList<>(params);
            all.add(now());
            all.add(perPage);
            all.add(page * perPage);
            Html html = new Html(title);
            int rows = 0;
            try (PreparedStatement s = prepare(c, sql, all.toArray()); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (rows++ == 0) {
                        html.raw("<table border=1>\n<tr><th>Item</th><th>Price</th><th>Bids</th><th>End date</th><th>Bid now</th></tr>\n");
                    }
                    String id = Integer.toString(r.getInt("id"));
                    double price = Math.max(r.getDouble("max_bid"), r.getDouble("initial_price"));
                    html.raw("<tr><td>").link("ViewItem", r.getString("name"), "itemId", id)
                            .raw("</td><td>").text(Html.money(price))
                            .raw("</td><td>").text(Integer.toString(r.getInt("nb_of_bids")))
                            .raw("</td><td>").text(Html.date(r.getTimestamp("end_date")))
                            .raw("</td><td>").imageLink("PutBidAuth", Images.BID_NOW, "itemId", id).raw("</td></tr>\n");
                }
            }
            if (rows == 0) {
                html.p(page == 0 ? "Sorry, but there are no items available in this category."
                        : "Sorry, but there are no more items available in this category.");
            } else {
                html.raw("</table>\n");
            }
            html.raw("<p>");
            if (page > 0) {
                paging(html, "Previous page", page - 1, perPage, linkParams);
            }
            if (rows == perPage) {
                paging(html, "Next page", page + 1, perPage, linkParams);
            }
            return html.raw("</p>\n").end();
        });
    }

    private void paging(Html html, String label, int page, int perPage, String... linkParams) {
        String[] all = java.util.Arrays.copyOf(linkParams, linkParams.length + 4);
        all[linkParams.length] = "page";
        all[linkParams.length + 1] = Integer.toString(page);
        all[linkParams.length + 2] = "nbOfItems";
        all[linkParams.length + 3] = Integer.toString(perPage);
        html.link(getClass().getSimpleName(), label, all).raw(" ");
    }
}
