package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Records a bid in one transaction: the bid row, the item's bid count, and its max_bid raised to
 * the bidder's maximum when the bid beats it (what RUBiS stores there).
 */
public class StoreBid extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        int userId = intParam(req, "userId");
        int itemId = intParam(req, "itemId");
        double minBid = doubleParam(req, "minBid");
        double bid = doubleParam(req, "bid");
        double maxBid = doubleParam(req, "maxBid");
        int maxQty = intParam(req, "maxQty");
        int qty = intParam(req, "qty", 1);
        String problem = qty < 1 || qty > maxQty ? "you cannot bid for " + qty + " units: between 1 and " + maxQty
                : bid < minBid ? "your bid of " + Html.money(bid) + " is below the minimum " + Html.money(minBid)
                : maxBid < minBid ? "your maximum bid is below the minimum " + Html.money(minBid)
                : maxBid < bid ? "your maximum bid is below your bid" : null;
        if (problem != null) {
            throw new RequestError("Your bid is not accepted: " + problem + ".");
        }
        return transaction(c -> {
            double stored;
            int bids;
            try (var s = prepare(c, "SELECT nb_of_bids, max_bid FROM items WHERE id=? FOR UPDATE", itemId); ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new RequestError(Item.NOT_FOUND);
                }
                bids = r.getInt(1);
                stored = r.getDouble(2);
            }
            try (var s = prepare(c, "INSERT INTO bids (user_id, item_id, qty, bid, max_bid, date) VALUES (?,?,?,?,?,?)",
                    userId, itemId, qty, bid, maxBid, now())) {
                s.executeUpdate();
            }
            try (var s = bid > stored
                    ? prepare(c, "UPDATE items SET nb_of_bids=?, max_bid=? WHERE id=?", bids + 1, maxBid, itemId)
                    : prepare(c, "UPDATE items SET nb_of_bids=? WHERE id=?", bids + 1, itemId)) {
                s.executeUpdate();
            }
            return new Html("Thank you").p("Your bid of " + Html.money(bid) + " on item " + itemId + " is recorded.").end();
        });
    }
}
