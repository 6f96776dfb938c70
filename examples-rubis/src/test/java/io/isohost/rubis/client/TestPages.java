package io.isohost.rubis.client;

/** Pages carrying every marker the emulator parses, for tests. */
final class TestPages {

    private TestPages() {
    }

    /** A page with two item links, a seller link, a comment link, the hidden inputs and paging links. */
    static String markerPage(long seed) {
        long a = 1 + Math.floorMod(seed, 300);
        long b = a + 1;
        return "<html><body><h2>Items</h2>\n"
                + "<a href=\"/servlet/edu.rice.rubis.servlets.ViewItem?itemId=" + a + "\">item " + a + "</a>\n"
                + "<a href=\"/servlet/edu.rice.rubis.servlets.ViewItem?itemId=" + b + "\">item " + b + "</a>\n"
                + "<a href=\"/servlet/edu.rice.rubis.servlets.ViewUserInfo?userId=7\">seller</a>\n"
                + "<a href=\"/servlet/edu.rice.rubis.servlets.PutCommentAuth?itemId=" + a + "&to=7\">comment</a>\n"
                + "<form><input type=hidden name=maxQty value=4><input type=hidden name=minBid value=12.5>"
                + "<input type=hidden name=to value=7></form>\n"
                + "<a href=\"/servlet/edu.rice.rubis.servlets.SearchItemsByCategory?category=2&categoryName=Books"
                + "&page=0&nbOfItems=20\">Previous page</a>\n"
                + "<a href=\"/servlet/edu.rice.rubis.servlets.SearchItemsByCategory?category=2&categoryName=Books"
                + "&page=2&nbOfItems=20\">Next page</a>\n"
                + "</body></html>\n";
    }
}
