package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.SQLException;

/** After authentication, the form to rate and comment on a user about an item. */
public class PutComment extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        int to = intParam(req, "to");
        int itemId = intParam(req, "itemId");
        return asUser(req, (c, userId) -> {
            Object target = single(c, "SELECT nickname FROM users WHERE id=?", to);
            if (target == null) {
                throw new RequestError("The user " + to + " you want to comment on does not exist.");
            }
            Object item = single(c, "SELECT name FROM items WHERE id=?", itemId);
            if (item == null) {
                throw new RequestError(Item.NOT_FOUND);
            }
            return new Html("Comment on " + target + " about " + item).form("StoreComment")
                    .hidden("to", to).hidden("from", userId).hidden("itemId", itemId)
                    .raw("Rating <select name=rating><option value=5>Excellent</option><option value=3>Average</option>"
                            + "<option selected value=0>Neutral</option><option value=-3>Below average</option>"
                            + "<option value=-5>Bad</option></select><br>\n<textarea name=comment rows=10 cols=60></textarea><br>\n")
                    .endForm("Post this comment").end();
        });
    }
}
