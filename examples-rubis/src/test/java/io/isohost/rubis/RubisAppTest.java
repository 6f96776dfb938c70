package io.isohost.rubis;

import io.isohost.container.ComponentContext;
import io.isohost.rubis.db.DatabaseAccess;
import io.isohost.rubis.db.DatabaseServer;
import io.isohost.rubis.db.Loader;
import io.isohost.rubis.web.StaticPages;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every RUBiS interaction against a small generated database, over real HTTP and a real H2 server. */
class RubisAppTest {
    static final List<String> SERVLETS = List.of("AboutMe", "BrowseCategories", "BrowseRegions", "BuyNow", "BuyNowAuth", "PutBid",
            "PutBidAuth", "PutComment", "PutCommentAuth", "RegisterItem", "RegisterUser", "SearchItemsByCategory",
            "SearchItemsByRegion", "SellItemForm", "StoreBid", "StoreBuyNow", "StoreComment", "ViewBidHistory", "ViewItem",
            "ViewUserInfo");

    @TempDir
    static Path dir;
    static DatabaseServer db;
    static Server web;
    static String url;
    static DatabaseAccess access;
    static final HttpClient http = HttpClient.newHttpClient();
    static final Population population = Population.ofScale(0.001);
    static long loadedUsers;
    static long loadedItems;

    @BeforeAll
    static void start() throws Exception {
        db = new DatabaseServer();
        db.start(new TestContext(dir.resolve("rubis-db"), List.of("--port=0")));
        startWith(DatabaseAccess.read(dir.resolve("rubis-db").resolve(DatabaseAccess.FILE)));
    }

    /** Loads a small database as its administrator and serves the application over it as its user. */
    static void startWith(DatabaseAccess database) throws Exception {
        access = database;
        try (Connection c = access.connectAsAdmin()) {
            new Loader(c, population, 42, rows -> { }).load();
        }
        // before any test registers a user or an item
        loadedUsers = ((Number) sql("SELECT COUNT(*) FROM users")).longValue();
        loadedItems = ((Number) sql("SELECT COUNT(*) FROM items")).longValue();
        web = new Server();
        ServerConnector connector = new ServerConnector(web);
        connector.setHost("127.0.0.1");
        web.addConnector(connector);
        ServletContextHandler handler = new ServletContextHandler();
        handler.setAttribute(ComponentContext.class.getName(), new TestContext(dir.resolve("rubis-web"),
                List.of("--db=" + access.url(), "--db-user=" + access.user(), "--db-password=" + access.password(), "--db-pool=4")));
        for (String s : SERVLETS) {
            handler.addServlet(Class.forName("io.isohost.rubis.servlets." + s).asSubclass(jakarta.servlet.Servlet.class),
                    "/servlet/edu.rice.rubis.servlets." + s);
        }
        handler.addServlet(StaticPages.class, "/rubis/*");
        web.setHandler(handler);
        web.start();
        RubisAppTest.url = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (web != null) {
            web.stop();
            web = null;
        }
        if (db != null) {
            db.stop();
            db = null;
        }
    }

    static HttpResponse<String> send(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String get(String pathAndQuery) throws Exception {
        HttpResponse<String> r = send(pathAndQuery);
        assertEquals(200, r.statusCode(), pathAndQuery + " answered " + r.statusCode() + ": " + r.body());
        assertTrue(!r.body().contains("ERROR"), pathAndQuery + " reported an error: " + r.body());
        return r.body();
    }

    /** RUBiS's error page, answered 200 as the original servlets answer it: what a RUBiS client reads. */
    static String errorPage(String servlet, String query) throws Exception {
        HttpResponse<String> r = send("/servlet/edu.rice.rubis.servlets." + servlet + "?" + query);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("<title>RUBiS ERROR: " + servlet + "</title>"), r.body());
        return r.body();
    }

    static String servlet(String name, String query) throws Exception {
        return get("/servlet/edu.rice.rubis.servlets." + name + (query.isEmpty() ? "" : "?" + query));
    }

    static Object sql(String query, Object... params) throws Exception {
        try (Connection c = access.connect(); var s = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getObject(1) : null;
            }
        }
    }

    static int firstInt(String page, String marker) {
        Matcher m = Pattern.compile(Pattern.quote(marker) + "(-?\\d+)").matcher(page);
        assertTrue(m.find(), "no '" + marker + "' on the page:\n" + page);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void generatedDatabaseHasThePopulation() throws Exception {
        assertEquals(population.users(), loadedUsers);
        assertEquals(population.activeItems(), loadedItems);
        assertEquals((long) population.oldItems(), ((Number) sql("SELECT COUNT(*) FROM old_items")).longValue());
        assertEquals(62L, ((Number) sql("SELECT COUNT(*) FROM regions")).longValue());
        assertEquals(20L, ((Number) sql("SELECT COUNT(*) FROM categories")).longValue());
        assertEquals(((Number) sql("SELECT COUNT(*) FROM bids")).longValue(), ((Number) sql("SELECT SUM(nb_of_bids) FROM items")).longValue(),
                "items.nb_of_bids counts the bids");
        assertEquals(((Number) sql("SELECT SUM(rating) FROM comments")).longValue(), ((Number) sql("SELECT SUM(rating) FROM users")).longValue(),
                "users' ratings sum their comments");
    }

    @Test
    void staticPages() throws Exception {
        assertTrue(get("/rubis/index.html").contains("RUBiS"));
        assertTrue(get("/rubis/browse.html").contains("BrowseCategories"));
        assertTrue(get("/rubis/register.html").contains("RegisterUser"));
        assertTrue(get("/rubis/sell.html").contains("BrowseCategories"));
        assertTrue(get("/rubis/about_me.html").contains("AboutMe"));
    }

    @Test
    void browsingInteractions() throws Exception {
        String cats = servlet("BrowseCategories", "");
        assertTrue(cats.contains("SearchItemsByCategory?category=6&amp;categoryName=Collectibles") || cats.contains("category=6&categoryName=Collectibles"), cats);
        String regions = servlet("BrowseRegions", "");
        assertTrue(regions.contains("region=WI--Milwaukee"), regions);
        String inRegion = servlet("BrowseCategories", "region=AZ--Phoenix");
        assertTrue(inRegion.contains("SearchItemsByRegion?category=1"), inRegion);
        assertTrue(inRegion.contains("region=1"), "AZ--Phoenix is region 1");

        int category = ((Number) sql("SELECT category FROM items GROUP BY category ORDER BY COUNT(*) DESC LIMIT 1")).intValue();
        String search = servlet("SearchItemsByCategory", "category=" + category + "&categoryName=x&page=0&nbOfItems=2");
        assertTrue(search.contains("itemId="), search);
        assertTrue(search.contains("&page=1"), "a full first page links to the next one: " + search);
        String empty = servlet("SearchItemsByCategory", "category=999&categoryName=none&page=0&nbOfItems=20");
        assertTrue(empty.contains("Sorry"), empty);

        int seller = ((Number) sql("SELECT seller FROM items LIMIT 1")).intValue();
        int region = ((Number) sql("SELECT region FROM users WHERE id=?", seller)).intValue();
        int itemCategory = ((Number) sql("SELECT category FROM items WHERE seller=? LIMIT 1", seller)).intValue();
        String byRegion = servlet("SearchItemsByRegion", "region=" + region + "&category=" + itemCategory + "&categoryName=x&page=0&nbOfItems=20");
        assertTrue(byRegion.contains("itemId="), byRegion);

        int item = ((Number) sql("SELECT id FROM items WHERE nb_of_bids > 0 LIMIT 1")).intValue();
        String view = servlet("ViewItem", "itemId=" + item);
        int sellerOnPage = firstInt(view, "userId=");
        assertEquals(((Number) sql("SELECT seller FROM items WHERE id=?", item)).intValue(), sellerOnPage, "the seller is the first userId");
        assertTrue(view.contains("PutBidAuth?itemId=" + item) && view.contains("to=" + sellerOnPage), view);
        String history = servlet("ViewBidHistory", "itemId=" + item);
        assertTrue(history.contains("userId="), history);
        String user = servlet("ViewUserInfo", "userId=" + sellerOnPage);
        assertTrue(user.contains(Population.nickname(sellerOnPage)), user);
    }

    @Test
    void biddingWritesTheBidAndTheItemInOneTransaction() throws Exception {
        int item = ((Number) sql("SELECT id FROM items WHERE nb_of_bids = 0 ORDER BY id LIMIT 1")).intValue();
        assertTrue(servlet("PutBidAuth", "itemId=" + item).contains("name=itemId value=" + item));
        String form = servlet("PutBid", "itemId=" + item + "&nickname=user7&password=password7");
        int maxQty = firstInt(form, "name=maxQty value=");
        Matcher min = Pattern.compile("name=minBid value=([0-9.]+)").matcher(form);
        assertTrue(min.find(), form);
        double minBid = Double.parseDouble(min.group(1));
        int before = ((Number) sql("SELECT nb_of_bids FROM items WHERE id=?", item)).intValue();
        String done = servlet("StoreBid", "itemId=" + item + "&userId=7&minBid=" + minBid + "&bid=" + (minBid + 3)
                + "&maxBid=" + (minBid + 6) + "&maxQty=" + maxQty + "&qty=1");
        assertTrue(done.contains("recorded"), done);
        assertEquals(before + 1, ((Number) sql("SELECT nb_of_bids FROM items WHERE id=?", item)).intValue());
        assertEquals(minBid + 6, ((Number) sql("SELECT max_bid FROM items WHERE id=?", item)).doubleValue(), 1e-9);
        assertEquals(minBid + 3, ((Number) sql("SELECT MAX(bid) FROM bids WHERE item_id=? AND user_id=7", item)).doubleValue(), 1e-9);

        String low = errorPage("StoreBid", "itemId=" + item + "&userId=7&minBid=" + minBid + "&bid=1&maxBid=2&maxQty=1&qty=1");
        assertTrue(low.contains("below the minimum"), "a bid under the minimum is refused: " + low);
        String wrongPassword = errorPage("PutBid", "itemId=" + item + "&nickname=user7&password=nope");
        assertTrue(wrongPassword.contains("register first"), wrongPassword);
    }

    @Test
    void buyNowDecrementsTheQuantityAndClosesASoldOutAuction() throws Exception {
        int item = ((Number) sql("SELECT id FROM items WHERE quantity = 1 ORDER BY id DESC LIMIT 1")).intValue();
        assertTrue(servlet("BuyNowAuth", "itemId=" + item).contains("BuyNow"));
        String form = servlet("BuyNow", "itemId=" + item + "&nickname=user3&password=password3");
        assertEquals(1, firstInt(form, "name=maxQty value="));
        String done = servlet("StoreBuyNow", "itemId=" + item + "&userId=3&qty=1&maxQty=1");
        assertTrue(done.contains("recorded"), done);
        assertEquals(0, ((Number) sql("SELECT quantity FROM items WHERE id=?", item)).intValue());
        assertEquals(1L, ((Number) sql("SELECT COUNT(*) FROM buy_now WHERE item_id=? AND buyer_id=3", item)).longValue());
        assertTrue(servlet("StoreBuyNow", "itemId=" + item + "&userId=3&qty=1&maxQty=1").contains("Sorry"), "nothing left to buy");
    }

    @Test
    void commentAddsItsRatingToTheTarget() throws Exception {
        int item = ((Number) sql("SELECT id FROM items ORDER BY id LIMIT 1 OFFSET 1")).intValue();
        int seller = ((Number) sql("SELECT seller FROM items WHERE id=?", item)).intValue();
        assertTrue(servlet("PutCommentAuth", "to=" + seller + "&itemId=" + item).contains("name=to value=" + seller));
        String form = servlet("PutComment", "to=" + seller + "&itemId=" + item + "&nickname=user5&password=password5");
        assertEquals(seller, firstInt(form, "name=to value="));
        int rating = ((Number) sql("SELECT rating FROM users WHERE id=?", seller)).intValue();
        servlet("StoreComment", "to=" + seller + "&from=5&itemId=" + item + "&rating=5&comment=" + "great+seller");
        assertEquals(rating + 5, ((Number) sql("SELECT rating FROM users WHERE id=?", seller)).intValue());
        assertEquals("great seller", sql("SELECT comment FROM comments WHERE from_user_id=5 AND to_user_id=? ORDER BY id DESC LIMIT 1", seller));
    }

    @Test
    void sellingRegistersAnOpenItem() throws Exception {
        String cats = servlet("BrowseCategories", "nickname=user9&password=password9");
        assertTrue(cats.contains("SellItemForm?category=1&amp;user=9") || cats.contains("SellItemForm?category=1&user=9"), cats);
        assertTrue(servlet("SellItemForm", "category=4&user=9").contains("name=categoryId value=4"));
        String done = servlet("RegisterItem", "name=Old+clock&description=ticks&initialPrice=10&reservePrice=0&buyNow=0"
                + "&duration=3&quantity=1&userId=9&categoryId=4");
        int id = firstInt(done, "itemId=");
        assertEquals("Old clock", sql("SELECT name FROM items WHERE id=?", id));
        assertTrue(servlet("SearchItemsByCategory", "category=4&categoryName=x&page=0&nbOfItems=100").contains("itemId=" + id),
                "the new item is open for bids");
    }

    @Test
    void registeringAUserAndTheAboutMePage() throws Exception {
        String done = servlet("RegisterUser", "firstname=Ada&lastname=Lovelace&nickname=ada&email=ada%40example.org&password=pw&region=NY--New+York");
        int id = firstInt(done, "user id is ");
        assertEquals("ada", sql("SELECT nickname FROM users WHERE id=?", id));
        assertTrue(errorPage("RegisterUser", "firstname=A&lastname=B&nickname=ada&email=x&password=pw&region=NY--New+York")
                .contains("already taken"), "a taken nickname is refused");
        String me = servlet("AboutMe", "nickname=user7&password=password7");
        assertTrue(me.contains("Items you bid on") && me.contains("Comments about this user"), me);
    }

    @Test
    void badParametersGetRubisErrorPage() throws Exception {
        assertTrue(errorPage("ViewItem", "itemId=abc").contains("itemId"));
        assertTrue(errorPage("StoreBuyNow", "itemId=1&userId=3&qty=5&maxQty=2").contains("between 1 and 2"));
    }

    @Test
    void aMissingItemOrUserIsAnErrorPageWhereTheOriginalPrintsOne() throws Exception {
        int missing = Integer.MAX_VALUE - 1;
        assertTrue(errorPage("PutBid", "itemId=" + missing + "&nickname=user7&password=password7").contains("does not exist"));
        assertTrue(errorPage("BuyNow", "itemId=" + missing + "&nickname=user7&password=password7").contains("does not exist"));
        assertTrue(errorPage("PutComment", "to=" + missing + "&itemId=1&nickname=user7&password=password7").contains("does not exist"));
        assertTrue(errorPage("PutComment", "to=-1&itemId=1&nickname=user7&password=password7").contains("does not exist"),
                "what a client that found no to= on its page sends");
        assertTrue(errorPage("PutComment", "to=3&itemId=" + missing + "&nickname=user7&password=password7").contains("does not exist"));
        assertTrue(errorPage("AboutMe", "nickname=user7&password=wrong").contains("register first"));
        // ViewItem prints a plain page, neither an error nor a Sorry, as the original
        String view = servlet("ViewItem", "itemId=" + missing);
        assertTrue(view.contains("does not exist") && !view.contains("Sorry"), view);
    }

    @Test
    void putBidLinksToACommentOnTheSeller() throws Exception {
        int item = ((Number) sql("SELECT id FROM items ORDER BY id LIMIT 1 OFFSET 2")).intValue();
        int seller = ((Number) sql("SELECT seller FROM items WHERE id=?", item)).intValue();
        String comment = "PutCommentAuth?to=" + seller + "&itemId=" + item;
        assertTrue(servlet("PutBid", "itemId=" + item + "&nickname=user7&password=password7").contains(comment),
                "PutBid carries the original's 'leave a comment on this user' link");
        assertTrue(servlet("ViewItem", "itemId=" + item).contains(comment), "and so does ViewItem");
    }

    @Test
    void pagesCarryTheOriginalsImagesAndTheyAreServed() throws Exception {
        int item = ((Number) sql("SELECT id FROM items WHERE buy_now > 0 ORDER BY id LIMIT 1")).intValue();
        String view = servlet("ViewItem", "itemId=" + item);
        List<String> images = imageSources(view);
        assertTrue(images.contains("/rubis/RUBiS_logo.png") && images.contains("/rubis/bid_now.png")
                && images.contains("/rubis/buy_it_now.png"), "logo, bid and buy-now buttons: " + images);
        int category = ((Number) sql("SELECT category FROM items WHERE id=?", item)).intValue();
        List<String> search = imageSources(servlet("SearchItemsByCategory", "category=" + category + "&categoryName=x&page=0&nbOfItems=5"));
        assertEquals("/rubis/RUBiS_logo.png", search.getFirst());
        assertTrue(search.stream().skip(1).allMatch("/rubis/bid_now.png"::equals) && search.size() > 1, "a bid button per item: " + search);
        assertEquals(List.of("/rubis/RUBiS_logo.png"), imageSources(get("/rubis/index.html")), "static pages carry the logo");
        int bidder = ((Number) sql("SELECT bids.user_id FROM bids JOIN items ON bids.item_id=items.id WHERE items.end_date>? "
                + "ORDER BY bids.id LIMIT 1", new java.sql.Timestamp(System.currentTimeMillis()))).intValue();
        String me = servlet("AboutMe", "nickname=" + Population.nickname(bidder) + "&password=" + Population.password(bidder));
        assertTrue(imageSources(me).contains("/rubis/bid_now.png") && me.contains("PutBid?itemId="),
                "AboutMe has a bid button on each open auction the user bid on: " + me);
        assertTrue(imageSources(errorPage("ViewItem", "itemId=x")).contains("/rubis/RUBiS_logo.png"), "and so do error pages");
        for (String src : List.of("/rubis/RUBiS_logo.png", "/rubis/bid_now.png", "/rubis/buy_it_now.png")) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url + src)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), src);
            assertEquals("image/png", r.headers().firstValue("Content-Type").orElse(""), src);
            var png = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(r.body()));
            assertTrue(png != null && png.getWidth() > 0, src + " is a PNG image");
        }
    }

    /** The images a RUBiS client downloads after the page: each {@code <IMG SRC="...">}, in order. */
    static List<String> imageSources(String page) {
        List<String> out = new java.util.ArrayList<>();
        Matcher m = Pattern.compile("<IMG SRC=\"([^\"]+)\"").matcher(page);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
