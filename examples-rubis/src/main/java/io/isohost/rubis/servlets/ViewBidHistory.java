package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Every bid on an item, newest first, with each bidder's nickname. */
public class ViewBidHistory extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        int itemId = intParam(req, "itemId");
        return read(c -> {
            Object name = single(c, "SELECT name FROM items WHERE id=?", itemId);
            if (name == null) {
                return Item.notFoundPage("Bid history");
            }
            Html page = new Html("Bid history for " + name);
            int n = 0;
            try (var s = prepare(c, "SELECT bids.user_id, bids.bid, bids.date, users.nickname FROM bids LEFT JOIN users "
                    + "ON users.id=bids.user_id WHERE bids.item_id=? ORDER BY bids.date DESC, bids.id DESC", itemId);
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (n++ == 0) {
                        page.raw("<table border=1>\n<tr><th>Bidder</th><th>Amount</th><th>Date</th></tr>\n");
                    }
                    int user = r.getInt(1);
                    page.raw("<tr><td>").link("ViewUserInfo", r.getString(4) == null ? "(unknown user " + user + ")" : r.getString(4), "userId", Integer.toString(user))
                            .raw("</td><td>").text(Html.money(r.getDouble(2))).raw("</td><td>").text(Html.date(r.getTimestamp(3)))
                            .raw("</td></tr>\n");
                }
            }
            if (n == 0) {
                page.p("There are no bids on this item.");
            } else {
                page.raw("</table>\n");
            }
            return page.end();
        });
    }
}
