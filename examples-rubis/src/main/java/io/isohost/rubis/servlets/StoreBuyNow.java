package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Buys units of an item in one transaction: fewer left (the auction closes at none) and a buy_now row. */
public class StoreBuyNow extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        int userId = intParam(req, "userId");
        int itemId = intParam(req, "itemId");
        int qty = intParam(req, "qty");
        int maxQty = intParam(req, "maxQty");
        if (qty < 1 || qty > maxQty) {
            throw new RequestError("You cannot buy " + qty + " units: between 1 and " + maxQty + ".");
        }
        return transaction(c -> {
            int left;
            try (var s = prepare(c, "SELECT quantity FROM items WHERE id=? FOR UPDATE", itemId); ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new RequestError(Item.NOT_FOUND);
                }
                left = r.getInt(1) - qty;
            }
            if (left < 0) {
                return new Html("Buy now").p("Sorry, only " + (left + qty) + " units are left.").end();
            }
            try (var s = left == 0
                    ? prepare(c, "UPDATE items SET quantity=0, end_date=? WHERE id=?", now(), itemId)
                    : prepare(c, "UPDATE items SET quantity=? WHERE id=?", left, itemId)) {
                s.executeUpdate();
            }
            try (var s = prepare(c, "INSERT INTO buy_now (buyer_id, item_id, qty, date) VALUES (?,?,?,?)", userId, itemId, qty, now())) {
                s.executeUpdate();
            }
            return new Html("Thank you").p("Your purchase of " + qty + " unit(s) of item " + itemId + " is recorded.").end();
        });
    }
}
