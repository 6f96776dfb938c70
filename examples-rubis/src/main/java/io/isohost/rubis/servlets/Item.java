package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.Images;
import io.isohost.rubis.web.RubisServlet;
import io.isohost.rubis.web.Statements;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/** An item row and how RUBiS prints it: ViewItem, PutBid and BuyNow all show it. */
record Item(int id, String name, String description, double initialPrice, int quantity, double reservePrice,
            double buyNow, int nbOfBids, double maxBid, Timestamp startDate, Timestamp endDate, int seller, int category,
            String sellerNickname) {

    static final String NOT_FOUND = "This item does not exist.";

    /** ViewItem's and ViewBidHistory's page for an item id that does not exist: a plain page, as the original's. */
    static String notFoundPage(String title) {
        return new Html(title).p(NOT_FOUND).end();
    }

    /** The item, or an error page where the original printed one (BuyNow, PutBid, StoreBid, StoreBuyNow). */
    static Item require(Connection c, int id) throws SQLException {
        Item item = load(c, id);
        if (item == null) {
            throw new RubisServlet.RequestError(NOT_FOUND);
        }
        return item;
    }

    static Item load(Connection c, int id) throws SQLException {
        // the seller's nickname comes with the item, where RUBiS asked for it separately
        try (PreparedStatement s = Statements.prepare(c,
                "SELECT items.*, users.nickname AS seller_nickname FROM items LEFT JOIN users ON users.id=items.seller WHERE items.id=?", id)) {
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                return new Item(id, r.getString("name"), r.getString("description"), r.getDouble("initial_price"),
                        r.getInt("quantity"), r.getDouble("reserve_price"), r.getDouble("buy_now"), r.getInt("nb_of_bids"),
                        r.getDouble("max_bid"), r.getTimestamp("start_date"), r.getTimestamp("end_date"), r.getInt("seller"),
                        r.getInt("category"), r.getString("seller_nickname") == null ? "(unknown user " + r.getInt("seller") + ")"
                        : r.getString("seller_nickname"));
            }
        }
    }

    /**
     * The price a new bid must beat. For several units it is the lowest of the winning bids: walk
     * the highest bids until they cover the quantity, as RUBiS's page renderer does.
     */
    double currentPrice(Connection c, double highestBid) throws SQLException {
        if (highestBid <= 0 || quantity <= 1) {
            return highestBid;
        }
        try (PreparedStatement s = Statements.prepare(c, "SELECT bid, qty FROM bids WHERE item_id=? ORDER BY bid DESC LIMIT ?", id, quantity)) {
            try (ResultSet r = s.executeQuery()) {
                int covered = 0;
                double price = highestBid;
                while (r.next() && covered < quantity) {
                    price = r.getDouble(1);
                    covered += r.getInt(2);
                }
                return price;
            }
        }
    }

    /**
     * The item's description block. The seller link comes first, as the emulator takes the first
     * userId; ViewItem and PutBid follow it with the original's "leave a comment on this user"
     * link ({@code PutCommentAuth?to=SELLER&itemId=ITEM}), where a client finds its {@code to=}.
     */
    void print(Html page, double price, boolean commentLink) {
        page.raw("<table border=1>\n<tr><td>Seller</td><td>")
                .link("ViewUserInfo", sellerNickname, "userId", Integer.toString(seller));
        if (commentLink) {
            page.raw(" (").link("PutCommentAuth", "Leave a comment on this user", "to", Integer.toString(seller),
                    "itemId", Integer.toString(id)).raw(")");
        }
        page.raw("</td></tr>\n")
                .raw("<tr><td>Item</td><td>").text(name).raw("</td></tr>\n")
                .raw("<tr><td>Currently</td><td>").text(price > 0 ? Html.money(price) : "none").raw("</td></tr>\n")
                .raw("<tr><td>Quantity</td><td>").text(Integer.toString(quantity)).raw("</td></tr>\n")
                .raw("<tr><td>First bid</td><td>").text(Html.money(initialPrice)).raw("</td></tr>\n")
                .raw("<tr><td># of bids</td><td>").text(Integer.toString(nbOfBids)).raw(" (")
                .link("ViewBidHistory", "bid history", "itemId", Integer.toString(id)).raw(")</td></tr>\n")
                .raw("<tr><td>Started</td><td>").text(Html.date(startDate)).raw("</td></tr>\n")
                .raw("<tr><td>Ends</td><td>").text(Html.date(endDate)).raw("</td></tr>\n");
        if (reservePrice > 0) {
            page.raw("<tr><td>Reserve</td><td>").text(price >= reservePrice ? "met" : "not yet met").raw("</td></tr>\n");
        }
        page.raw("</table>\n<p>").text(description).raw("</p>\n");
    }

    /** The "buy it now" button, for an item sold at a fixed price. */
    void printBuyNow(Html page) {
        if (buyNow > 0) {
            page.raw("<p>").imageLink("BuyNowAuth", Images.BUY_IT_NOW, "itemId", Integer.toString(id))
                    .raw(" You can buy this item right now for only ").text(Html.money(buyNow)).raw("</p>\n");
        }
    }
}
