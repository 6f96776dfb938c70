package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.Images;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.SQLException;

/** One item with its seller, price and the ways to act on it. */
public class ViewItem extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        int itemId = intParam(req, "itemId");
        return read(c -> {
            Item item = Item.load(c, itemId);
            if (item == null) {
                return Item.notFoundPage("View item");
            }
            double price = item.currentPrice(c, Math.max(item.maxBid(), item.initialPrice()));
            Html page = new Html(item.name());
            item.print(page, price, true);
            item.printBuyNow(page);
            return page.raw("<p>").imageLink("PutBidAuth", Images.BID_NOW, "itemId", Integer.toString(itemId))
                    .raw(" on this item</p>\n").end();
        });
    }
}
