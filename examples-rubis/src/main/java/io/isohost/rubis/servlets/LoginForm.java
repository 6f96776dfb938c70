package io.isohost.rubis.servlets;

import io.isohost.rubis.web.Html;
import io.isohost.rubis.web.RubisServlet;
import jakarta.servlet.http.HttpServletRequest;

/** The three "log in first" pages: a nickname/password form carrying the item (and target) along. */
abstract class LoginForm extends RubisServlet {
    protected String form(String title, String next, HttpServletRequest req, String... carried) {
        Html page = new Html(title).p("You must log in first.").form(next);
        for (String name : carried) {
            page.hidden(name, intParam(req, name));
        }
        return page.input("Your nickname", "nickname").raw("Your password <input type=password name=password size=20><br>\n")
                .endForm("Log in").end();
    }
}
