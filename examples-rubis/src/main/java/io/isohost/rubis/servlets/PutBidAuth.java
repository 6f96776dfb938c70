package io.isohost.rubis.servlets;

import jakarta.servlet.http.HttpServletRequest;

/** The login form in front of PutBid. */
public class PutBidAuth extends LoginForm {
    @Override
    protected String page(HttpServletRequest req) {
        return form("PutBid: log in", "PutBid", req, "itemId");
    }
}
