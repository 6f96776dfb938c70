package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.Images;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.function.BiConsumer;

/**
 * "About me", after authentication: the profile, open auctions the user bid on, items on sale,
 * items sold, won and bought in the last 30 days, and the comments about the user. RUBiS's most
 * query-intensive page.
 */
public class AboutMe extends RubisServlet {
    private static final long MONTH_MS = 30L * 86_400_000L;

    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        String nickname = param(req, "nickname");
        String password = param(req, "password");
        // the original's "bid now" button on each open auction the user bid on, straight to PutBid
        BiConsumer<Html, Item> bidAgain = (page, item) -> page.raw("</td><td>").imageLink("PutBid", Images.BID_NOW,
                "itemId", Integer.toString(item.id()), "nickname", nickname, "password", password);
        BiConsumer<Html, Item> nothing = (page, item) -> { };
        return asUser(req, (c, userId) -> {
            Html page = new Html("About " + nickname);
            try (var s = prepare(c, "SELECT firstname, lastname, email, creation_date, rating FROM users WHERE id=?", userId);
                 ResultSet r = s.executeQuery()) {
                r.next();
                page.raw("<p>Real name: ").text(r.getString(1) + " " + r.getString(2)).raw("<br>Email: ").text(r.getString(3))
                        .raw("<br>Member since: ").text(Html.date(r.getTimestamp(4))).raw("<br>Rating: ")
                        .text(Integer.toString(r.getInt(5))).raw("</p>\n");
            }
            Timestamp now = now();
            Timestamp monthAgo = new Timestamp(now.getTime() - MONTH_MS);
            items(c, page, "Items you bid on", bidAgain, "SELECT item_id, MAX(bid) FROM bids JOIN items ON bids.item_id=items.id "
                    + "WHERE bids.user_id=? AND items.end_date>=? GROUP BY item_id", userId, now);
            items(c, page, "Items you are selling", nothing, "SELECT id, max_bid FROM items WHERE seller=? AND end_date>=?", userId, now);
            items(c, page, "Items you sold in the last 30 days", nothing,
                    "SELECT id, max_bid FROM items WHERE seller=? AND end_date<? AND end_date>=?", userId, now, monthAgo);
            items(c, page, "Items you won in the last 30 days", nothing, "SELECT item_id, MAX(bid) FROM bids JOIN items ON bids.item_id=items.id "
                    + "WHERE bids.user_id=? AND items.end_date<? AND items.end_date>=? GROUP BY item_id", userId, now, monthAgo);
            items(c, page, "Items you bought in the last 30 days", nothing,
                    "SELECT item_id, qty FROM buy_now WHERE buyer_id=? AND date>=?", userId, monthAgo);
            ViewUserInfo.comments(c, page, userId);
            return page.end();
        });
    }

    /**
     * One section: for each (item id, amount) row, the item and its seller, looked up one by one as
     * RUBiS does, and what {@code rowEnd} adds at the end of the row.
     */
    private static void items(Connection c, Html page, String title, BiConsumer<Html, Item> rowEnd, String sql, Object... params)
            throws SQLException {
        page.raw("<h3>").text(title).raw("</h3>\n");
        int n = 0;
        try (var s = prepare(c, sql, params); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                Item item = Item.load(c, r.getInt(1));
                if (item == null) {
                    continue;
                }
                if (n++ == 0) {
                    page.raw("<table border=1>\n");
                }
                page.raw("<tr><td>").link("ViewItem", item.name(), "itemId", Integer.toString(item.id())).raw("</td><td>")
                        .text(Html.money(r.getDouble(2))).raw("</td><td>")
                        .link("ViewUserInfo", item.sellerNickname(), "userId", Integer.toString(item.seller()))
                        .raw("</td><td>").text(Html.date(item.endDate()));
                rowEnd.accept(page, item);
                page.raw("</td></tr>\n");
            }
        }
        if (n == 0) {
            page.p("None.");
        } else {
            page.raw("</table>\n");
        }
    }
}
