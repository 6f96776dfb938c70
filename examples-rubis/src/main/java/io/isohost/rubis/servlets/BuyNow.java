package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.SQLException;

/** After authentication, the item and a form to buy some of it at its buy-now price. */
public class BuyNow extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        int itemId = intParam(req, "itemId");
        return asUser(req, (c, userId) -> {
            Item item = Item.require(c, itemId);
            Html page = new Html("You are about to buy " + item.name());
            item.print(page, Math.max(item.maxBid(), item.initialPrice()), false);
            page.form("StoreBuyNow").hidden("userId", userId).hidden("itemId", itemId).hidden("maxQty", item.quantity());
            if (item.quantity() > 1) {
                page.input("Quantity", "qty");
            } else {
                page.hidden("qty", 1);
            }
            return page.endForm("Buy now").end();
        });
    }
}
