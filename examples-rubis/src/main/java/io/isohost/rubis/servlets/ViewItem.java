package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
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
                return Item.missing("View item");
            }
            double price = item.currentPrice(c, Math.max(item.maxBid(), item.initialPrice()));
            Html page = new Html(item.name());
            item.print(page, price);
            String id = Integer.toString(itemId);
            page.raw("<p>");
            if (item.buyNow() > 0) {
                page.link("BuyNowAuth", "Buy it now for " + Html.money(item.buyNow()), "itemId", id).raw(" | ");
            }
            page.link("PutBidAuth", "Bid now", "itemId", id).raw(" | ")
                    .link("PutCommentAuth", "Leave a comment to the seller", "to", Integer.toString(item.seller()), "itemId", id);
            return page.raw("</p>\n").end();
        });
    }
}
