package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

/** The form describing an item to sell; category and seller ride along hidden. */
public class SellItemForm extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) {
        int category = intParam(req, "category");
        int user = intParam(req, "user");
        Html page = new Html("Sell your item").form("RegisterItem").hidden("categoryId", category).hidden("userId", user)
                .input("Name", "name").raw("Description <textarea name=description rows=10 cols=60></textarea><br>\n")
                .input("Initial price", "initialPrice").input("Reserve price", "reservePrice").input("Buy now price", "buyNow")
                .input("Quantity", "quantity").raw("Duration <select name=duration>");
        for (int d = 1; d <= 7; d++) {
            page.raw("<option value=" + d + ">" + d + " day" + (d > 1 ? "s" : "") + "</option>");
        }
        return page.raw("</select><br>\n").endForm("Register item").end();
    }
}
