package io.isohost.rubis.servlets;

import jakarta.servlet.http.HttpServletRequest;

/** The login form in front of BuyNow. */
public class BuyNowAuth extends LoginForm {
    @Override
    protected String page(HttpServletRequest req) {
        return form("BuyNow: log in", "BuyNow", req, "itemId");
    }
}
