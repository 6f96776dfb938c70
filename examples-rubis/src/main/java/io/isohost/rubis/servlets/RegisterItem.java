package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.SQLException;
import java.sql.Timestamp;

/** Puts a new item up for auction, open from now for its duration in days. */
public class RegisterItem extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        String name = param(req, "name");
        String description = param(req, "description", "");
        double initialPrice = doubleParam(req, "initialPrice");
        double reservePrice = doubleParam(req, "reservePrice", 0);
        double buyNow = doubleParam(req, "buyNow", 0);
        int duration = intParam(req, "duration");
        int quantity = intParam(req, "quantity");
        int userId = intParam(req, "userId");
        int categoryId = intParam(req, "categoryId");
        if (initialPrice < 0 || reservePrice < 0 || buyNow < 0 || quantity < 1 || duration < 1 || duration > 7 || name.length() > 100) {
            throw new RequestError("prices must not be negative, quantity at least 1, duration 1 to 7 days and the name at most 100 characters");
        }
        String text = description.length() > 8192 ? description.substring(0, 8192) : description;
        return transaction(c -> {
            Timestamp start = now();
            Timestamp end = new Timestamp(start.getTime() + duration * 86_400_000L);
            int id = insert(c, "INSERT INTO items (name, description, initial_price, quantity, reserve_price, buy_now, "
                    + "nb_of_bids, max_bid, start_date, end_date, seller, category) VALUES (?,?,?,?,?,?,0,0,?,?,?,?)",
                    name, text, initialPrice, quantity, reservePrice, buyNow, start, end, userId, categoryId);
            return new Html("Your item is registered").raw("<p>").link("ViewItem", name, "itemId", Integer.toString(id))
                    .raw(" is up for auction until ").text(Html.date(end)).raw(".</p>\n").end();
        });
    }
}
