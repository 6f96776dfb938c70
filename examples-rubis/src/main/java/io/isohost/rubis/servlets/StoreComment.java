package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.SQLException;

/** Stores a comment and adds its rating to the target's, in one transaction. */
public class StoreComment extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        int to = intParam(req, "to");
        int from = intParam(req, "from");
        int itemId = intParam(req, "itemId");
        int rating = intParam(req, "rating");
        String comment = param(req, "comment", "");
        if (rating < -5 || rating > 5) {
            throw new RequestError("rating must be between -5 and 5, got " + rating);
        }
        String text = comment.length() > 2048 ? comment.substring(0, 2048) : comment;
        return transaction(c -> {
            try (var s = prepare(c, "UPDATE users SET rating=rating+? WHERE id=?", rating, to)) {
                if (s.executeUpdate() == 0) {
                    throw new RequestError("The user " + to + " you comment on does not exist.");
                }
            }
            try (var s = prepare(c, "INSERT INTO comments (from_user_id, to_user_id, item_id, rating, date, comment) VALUES (?,?,?,?,?,?)",
                    from, to, itemId, rating, now(), text)) {
                s.executeUpdate();
            }
            return new Html("Thank you").p("Your comment is posted.").end();
        });
    }
}
