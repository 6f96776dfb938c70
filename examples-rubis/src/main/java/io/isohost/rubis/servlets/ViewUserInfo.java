package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

import java.sql.ResultSet;
import java.sql.SQLException;

/** A user's profile and the comments about them, with each author's nickname. */
public class ViewUserInfo extends RubisServlet {
    @Override
    protected String page(HttpServletRequest req) throws SQLException {
        int userId = intParam(req, "userId");
        return read(c -> {
            Html page;
            try (var s = prepare(c, "SELECT firstname, lastname, nickname, email, creation_date, rating FROM users WHERE id=?", userId);
                 ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return new Html("User information").p("This user does not exist.").end();
                }
                page = new Html("Information about " + r.getString("nickname"));
                page.raw("<p>Real name: ").text(r.getString("firstname") + " " + r.getString("lastname"))
                        .raw("<br>Email: ").text(r.getString("email"))
                        .raw("<br>Member since: ").text(Html.date(r.getTimestamp("creation_date")))
                        .raw("<br>Rating: ").text(Integer.toString(r.getInt("rating"))).raw("</p>\n");
            }
            comments(c, page, userId);
            return page.end();
        });
    }

    static void comments(java.sql.Connection c, Html page, int userId) throws SQLException {
        page.raw("<h3>Comments about this user</h3>\n");
        int n = 0;
        // the authors' nicknames come with the comments in one query, where RUBiS looked each one up
        try (var s = prepare(c, "SELECT comments.from_user_id, comments.rating, comments.date, comments.comment, users.nickname "
                + "FROM comments LEFT JOIN users ON users.id=comments.from_user_id WHERE comments.to_user_id=?", userId);
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                n++;
                int from = r.getInt(1);
                page.raw("<p>").link("ViewUserInfo", r.getString(5) == null ? "(unknown user " + from + ")" : r.getString(5), "userId", Integer.toString(from))
                        .raw(" (").text(Integer.toString(r.getInt(2))).raw(") wrote on ").text(Html.date(r.getTimestamp(3)))
                        .raw(":<br>").text(r.getString(4)).raw("</p>\n");
            }
        }
        if (n == 0) {
            page.p("There are no comments for this user.");
        }
    }
}
