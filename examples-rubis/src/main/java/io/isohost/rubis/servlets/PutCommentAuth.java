package io.isohost.rubis.servlets;

import jakarta.servlet.http.HttpServletRequest;

/** The login form in front of PutComment. */
public class PutCommentAuth extends LoginForm {
    @Override
    protected String page(HttpServletRequest req) {
        return form("PutComment: log in", "PutComment", req, "to", "itemId");
    }
}
