package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.ResultSet;
import java.sql.SQLException;

/** After authentication, the item, its highest bid and bid count, and the bid form (minimum = price + 1). */
public class PutBid extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        int itemId = intParam(req, "itemId");
        return asUser(req, (c, userId) -> {
            Item item = Item.require(c, itemId);
            double highest;
            int count;
            try (var s = prepare(c, "SELECT MAX(bid), COUNT(*) FROM bids WHERE item_id=?", itemId); ResultSet r = s.executeQuery()) {
                r.next();
                highest = r.getDouble(1);
                count = r.getInt(2);
            }
            double price = item.currentPrice(c, highest);
            double minBid = (price > 0 ? price : item.initialPrice()) + 1;
            Html page = new Html("You are about to bid on " + item.name());
            item.print(page, price, true);
            item.printBuyNow(page);
            page.p(count + " bid(s) so far.");
            page.form("StoreBid").hidden("minBid", Html.money(minBid)).hidden("userId", userId).hidden("itemId", itemId)
                    .hidden("maxQty", item.quantity());
            page.raw("Your bid (at least ").text(Html.money(minBid)).raw(") <input type=text name=bid size=10><br>\n")
                    .input("Your maximum bid", "maxBid");
            if (item.quantity() > 1) {
                page.input("Quantity", "qty");
            } else {
                page.hidden("qty", 1);
            }
            return page.endForm("Bid now").end();
        });
    }
}
