package io.isohost.rubis.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.isohost.rubis.Population;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UserSessionTest {

    private static final Population POP = Population.ofScale(0.01);

    /** A table where every state goes to Home except the given overrides (one spec line per state). */
    private static TransitionTable table(Map<State, String> overrides) {
        String[] spec = new String[State.COUNT];
        Arrays.fill(spec, "Home 1");
        overrides.forEach((s, line) -> spec[s.ordinal()] = line);
        return TransitionTable.parse("test", spec);
    }

    private static UserSession session(TransitionTable t, PageFetcher f, StatsSink stats) {
        return new UserSession(t, POP, f, new SplittableRandom(42), stats, 1000, 5, 0, ms -> { });
    }

    /** Records every URL requested and answers with the marker page (or what {@code answer} says). */
    private static final class Recording implements PageFetcher {
        final List<String> urls = new ArrayList<>();
        java.util.function.Function<String, String> answer = url -> TestPages.markerPage(urls.size());

        @Override
        public String fetch(String pathAndQuery) {
            urls.add(pathAndQuery);
            return answer.apply(pathAndQuery);
        }

        String last() {
            return urls.getLast();
        }
    }

    private static Map<String, String> query(String url) {
        Map<String, String> m = new HashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return m;
        }
        for (String kv : url.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static String path(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    // ---- (b) each state's URL carries the right parameters

    @Test
    void eachStateBuildsItsUrlFromTheLastPage() {
        Recording f = new Recording();
        UserSession s = session(TransitionTable.bidding(), f, new PhaseStats());
        s.step(); // starts a session at Home
        assertEquals("/rubis/index.html", f.last());
        int user = s.userId();
        assertTrue(user >= 1 && user <= POP.users());
        String page = TestPages.markerPage(10); // items 11 and 12, seller 7, maxQty 4, minBid 12.5
        Set<Long> items = Set.of(11L, 12L);
        for (State st : State.values()) {
            String url = s.urlFor(st, page);
            assertEquals(st.path(), path(url), st.label());
        }
        assertEquals("/servlet/edu.rice.rubis.servlets.BrowseCategories", s.urlFor(State.BROWSE_CATEGORIES, page));
        for (int i = 0; i < 500; i++) {
            Map<String, String> q = query(s.urlFor(State.STORE_BID, page));
            assertTrue(items.contains(Long.parseLong(q.get("itemId"))));
            assertEquals(String.valueOf(user), q.get("userId"));
            BigDecimal minBid = new BigDecimal(q.get("minBid"));
            assertEquals(new BigDecimal("12.5"), minBid);
            BigDecimal k = new BigDecimal(q.get("bid")).subtract(minBid);
            assertTrue(k.compareTo(BigDecimal.ONE) >= 0 && k.compareTo(BigDecimal.TEN) <= 0, "bid step " + k);
            assertEquals(0, new BigDecimal(q.get("maxBid")).subtract(minBid).compareTo(k.add(k)));
            assertEquals("4", q.get("maxQty"));
            int qty = Integer.parseInt(q.get("qty"));
            assertTrue(qty >= 1 && qty <= 4);

            q = query(s.urlFor(State.STORE_BUY_NOW, page));
            assertTrue(items.contains(Long.parseLong(q.get("itemId"))));
            assertEquals(String.valueOf(user), q.get("userId"));
            assertEquals("4", q.get("maxQty"));
            qty = Integer.parseInt(q.get("qty"));
            assertTrue(qty >= 1 && qty <= 4);

            q = query(s.urlFor(State.STORE_COMMENT, page));
            assertEquals("7", q.get("to"));
            assertEquals(String.valueOf(user), q.get("from"));
            assertTrue(Set.of("-5", "-3", "0", "3", "5").contains(q.get("rating")));
            assertTrue(!q.get("comment").isEmpty() && q.get("comment").length() <= Population.COMMENT_MAX_LENGTH);

            q = query(s.urlFor(State.SEARCH_ITEMS_IN_CATEGORY, page));
            int cat = Integer.parseInt(q.get("category"));
            assertTrue(cat >= 1 && cat <= 20, "category " + cat);
            assertEquals(POP.categories().get(cat - 1).name(), q.get("categoryName"));
            assertTrue(Set.of("0", "2").contains(q.get("page")));
            assertEquals("20", q.get("nbOfItems"));

            q = query(s.urlFor(State.SEARCH_ITEMS_IN_REGION, page));
            int region = Integer.parseInt(q.get("region"));
            assertTrue(region >= 1 && region <= 62, "region " + region);
            assertTrue(Integer.parseInt(q.get("category")) >= 1);

            q = query(s.urlFor(State.BROWSE_CATEGORIES_IN_REGION, page));
            assertTrue(POP.regions().contains(q.get("region")));

            q = query(s.urlFor(State.REGISTER_ITEM, page));
            assertEquals(String.valueOf(user), q.get("userId"));
            int c = Integer.parseInt(q.get("categoryId"));
            assertTrue(c >= 1 && c <= 20);
            int qtyItem = Integer.parseInt(q.get("quantity"));
            assertTrue(qtyItem >= 1 && qtyItem <= Population.MAX_QUANTITY);
            int d = Integer.parseInt(q.get("duration"));
            assertTrue(d >= 1 && d <= 7);
            assertTrue(q.get("name").startsWith("RUBiS automatically generated item #"));
            assertTrue(q.get("description").length() <= Population.DESCRIPTION_MAX_LENGTH);
            int initial = Integer.parseInt(q.get("initialPrice"));
            int reserve = Integer.parseInt(q.get("reservePrice"));
            assertTrue(initial >= 1 && initial <= 5000 && (reserve == 0 || reserve >= initial));
        }
        assertEquals(Map.of("userId", "7"), query(s.urlFor(State.VIEW_USER_INFO, page)));
        Map<String, String> q = query(s.urlFor(State.PUT_BID, page));
        assertEquals("user" + user, q.get("nickname"));
        assertEquals("password" + user, q.get("password"));
        q = query(s.urlFor(State.PUT_COMMENT, page));
        assertEquals("7", q.get("to"));
        assertEquals("user" + user, q.get("nickname"));
        q = query(s.urlFor(State.SELECT_CATEGORY_TO_SELL_ITEM, page));
        assertEquals(Map.of("nickname", "user" + user, "password", "password" + user), q);
        q = query(s.urlFor(State.SELL_ITEM_FORM, page));
        assertEquals(String.valueOf(user), q.get("user"));
        assertEquals(Map.of("nickname", "user" + user, "password", "password" + user),
                query(s.urlFor(State.ABOUT_ME, page)));
        q = query(s.urlFor(State.REGISTER_USER, page));
        long i = Long.parseLong(q.get("nickname").substring(4));
        assertTrue(i > POP.users() && i <= POP.users() + UserSession.REGISTRATION_IDS);
        assertEquals("Great" + i, q.get("firstname"));
        assertEquals("User" + i, q.get("lastname"));
        assertEquals("password" + i, q.get("password"));
        assertEquals("Great" + i + ".User" + i + "@rubis.com", q.get("email"));
        assertEquals(POP.regions().get((int) (i % 62)), q.get("region"));
    }

    @Test
    void newUsersOfOneRunNeverDrawATakenNickname() {
        // at the original's million ids, 20,000 registrations would meet an earlier one ~200 times
        UserSession s = session(TransitionTable.bidding(), p -> "", new PhaseStats());
        java.util.Set<String> nicknames = new java.util.HashSet<>();
        for (int n = 0; n < 20_000; n++) {
            String nickname = query(s.urlFor(State.REGISTER_USER, "")).get("nickname");
            assertTrue(nicknames.add(nickname), "registration " + n + " drew " + nickname + " again");
        }
    }

    @Test
    void categoryAndRegionIdsCoverExactlyTheExisting1BasedIds() {
        UserSession s = session(TransitionTable.bidding(), p -> "", new PhaseStats());
        Set<String> cats = new HashSet<>();
        Set<String> regions = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            Map<String, String> q = query(s.urlFor(State.SEARCH_ITEMS_IN_REGION, ""));
            cats.add(q.get("category"));
            regions.add(q.get("region"));
            assertEquals("0", q.get("page"));
        }
        assertEquals(20, cats.size());
        assertTrue(cats.contains("20") && !cats.contains("0"));
        assertEquals(62, regions.size());
        assertTrue(regions.contains("62") && !regions.contains("0"));
    }

    @Test
    void withoutItemLinksTheLastItemIdIsReused() {
        UserSession s = session(TransitionTable.bidding(), p -> "", new PhaseStats());
        String first = query(s.urlFor(State.VIEW_ITEM, TestPages.markerPage(0))).get("itemId");
        assertEquals(first, query(s.urlFor(State.VIEW_BID_HISTORY, "<html>no links</html>")).get("itemId"));
        assertEquals("1", query(s.urlFor(State.STORE_BUY_NOW, "no hidden inputs")).get("maxQty"));
    }

    // ---- (c) Back, Sorry, ERROR, End of Session, retries

    @Test
    void backReRequestsThePreviousPage() {
        TransitionTable t = table(Map.of(State.HOME, "SearchItemsInCategory 1",
                State.SEARCH_ITEMS_IN_CATEGORY, "ViewItem 1",
                State.VIEW_ITEM, "ViewUserInfo 1, BACK 0.5", // BACK > 0 but never drawn: the column is full
                State.VIEW_USER_INFO, "BACK 1"));
        Recording f = new Recording();
        PhaseStats stats = new PhaseStats();
        UserSession s = session(t, f, stats);
        s.step(); // Home
        s.step(); // SearchItemsInCategory
        assertEquals(0, s.historyDepth());
        s.step(); // ViewItem: Search pushed
        s.step(); // ViewUserInfo: ViewItem pushed
        assertEquals(2, s.historyDepth());
        String viewItemUrl = f.urls.get(2);
        s.step(); // Back -> the same ViewItem URL again
        assertEquals(viewItemUrl, f.last());
        assertEquals(State.VIEW_ITEM, s.state());
        assertEquals(1, s.historyDepth());
        assertEquals(1, stats.result(Phase.MEASUREMENT, 1).backSteps());
        assertEquals(2, stats.pages(State.VIEW_ITEM));
    }

    @Test
    void backFromAViewPageReturnsToTheSearchPage() {
        TransitionTable t = table(Map.of(State.HOME, "SearchItemsInCategory 1",
                State.SEARCH_ITEMS_IN_CATEGORY, "ViewItem 1",
                State.VIEW_ITEM, "BACK 1"));
        Recording f = new Recording();
        UserSession s = session(t, f, new PhaseStats());
        s.step();
        s.step();
        String searchUrl = f.last();
        s.step();
        s.step();
        assertEquals(searchUrl, f.last());
        assertEquals(State.SEARCH_ITEMS_IN_CATEGORY, s.state());
        assertEquals(0, s.historyDepth());
    }

    @Test
    void afterSorryTheSessionGoesBackToThePageOnTheBackStack() {
        // ViewItem has a Back probability, so entering it keeps the search page on the stack
        TransitionTable t = table(Map.of(State.HOME, "SearchItemsInCategory 1",
                State.SEARCH_ITEMS_IN_CATEGORY, "ViewItem 1",
                State.VIEW_ITEM, "ViewUserInfo 0.9999999, BACK 0.0000001"));
        Recording f = new Recording();
        f.answer = url -> url.contains("ViewItem") ? "<p>Sorry, this item is gone.</p>" : TestPages.markerPage(1);
        PhaseStats stats = new PhaseStats();
        UserSession s = session(t, f, stats);
        s.step(); // Home
        s.step(); // Search
        String searchUrl = f.last();
        s.step(); // ViewItem: Sorry
        assertEquals(State.VIEW_ITEM, s.state(), "the Sorry page is where the session is");
        s.step(); // the matrix draws ViewUserInfo, but after a Sorry the session goes back
        assertEquals(searchUrl, f.last());
        assertEquals(State.SEARCH_ITEMS_IN_CATEGORY, s.state());
        assertEquals(1, stats.result(Phase.MEASUREMENT, 1).sorryPages());
        assertEquals(0, stats.pages(State.VIEW_USER_INFO));
        assertEquals(0, stats.totalErrors());
    }

    @Test
    void afterSorryWithNoPageToGoBackToTheSessionGoesHome() {
        TransitionTable t = table(Map.of(State.HOME, "BuyNow 1", State.BUY_NOW, "StoreBuyNow 1",
                State.STORE_BUY_NOW, "Browse 1"));
        Recording f = new Recording();
        f.answer = url -> url.contains("StoreBuyNow") ? "<p>Sorry, only 0 units are left.</p>" : TestPages.markerPage(1);
        UserSession s = session(t, f, new PhaseStats());
        s.step(); // Home
        s.step(); // BuyNow
        s.step(); // StoreBuyNow: Sorry
        s.step();
        assertEquals("/rubis/index.html", f.last(), "not Browse as drawn, and not StoreBuyNow again: Home");
        assertEquals(0, s.historyDepth());
    }

    @Test
    void endOfSessionIsFollowedAfterASorryPage() {
        TransitionTable t = table(Map.of(State.HOME, "SearchItemsInCategory 1", State.SEARCH_ITEMS_IN_CATEGORY, "END 1"));
        Recording f = new Recording();
        f.answer = url -> url.contains("Search") ? "<p>Sorry, but there are no items.</p>" : TestPages.markerPage(1);
        PhaseStats stats = new PhaseStats();
        UserSession s = session(t, f, stats);
        s.step();
        s.step(); // Sorry
        int requests = f.urls.size();
        s.step(); // END
        assertEquals(requests, f.urls.size());
        assertNull(s.state());
        assertEquals(1, stats.result(Phase.MEASUREMENT, 1).endOfSessionSteps());
    }

    @Test
    void aSoldOutItemIsNotBoughtAgainAndAgain() {
        Recording f = new Recording();
        f.answer = url -> url.contains("StoreBuyNow") ? "<p>Sorry, only 0 units are left.</p>" : TestPages.markerPage(f.urls.size());
        PhaseStats stats = new PhaseStats();
        UserSession s = session(TransitionTable.bidding(), f, stats);
        for (int i = 0; i < 50_000; i++) {
            s.step();
        }
        assertTrue(stats.pages(State.BUY_NOW) > 20, "the run reached BuyNow: " + stats.pages(State.BUY_NOW));
        // each StoreBuyNow follows a BuyNow page; staying on BuyNow after the Sorry would retry it ~60 times
        assertTrue(stats.pages(State.STORE_BUY_NOW) <= stats.pages(State.BUY_NOW),
                stats.pages(State.STORE_BUY_NOW) + " StoreBuyNow for " + stats.pages(State.BUY_NOW) + " BuyNow");
    }

    @Test
    void theCommentTargetComesOnlyFromThePage() {
        UserSession s = session(TransitionTable.bidding(), new Recording(), new PhaseStats());
        s.step();
        String withSeller = "<a href=\"/servlet/edu.rice.rubis.servlets.ViewUserInfo?userId=7\">seller</a> itemId=3";
        for (State st : List.of(State.PUT_COMMENT_AUTH, State.PUT_COMMENT, State.STORE_COMMENT)) {
            assertEquals("-1", query(s.urlFor(st, withSeller)).get("to"),
                    st + ": no to= on the page, no other user id taken in its place");
        }
        String putBid = withSeller + " <a href=\"/servlet/edu.rice.rubis.servlets.PutCommentAuth?to=7&itemId=3\">comment</a>";
        assertEquals("7", query(s.urlFor(State.PUT_COMMENT, putBid)).get("to"));
    }

    @Test
    void errorRestartsAtHomeAndCountsAnError() {
        TransitionTable t = table(Map.of(State.HOME, "SearchItemsInCategory 1",
                State.SEARCH_ITEMS_IN_CATEGORY, "ViewItem 1",
                State.VIEW_ITEM, "ViewUserInfo 1"));
        Recording f = new Recording();
        f.answer = url -> url.contains("ViewItem") ? "<h1>ERROR</h1>" : TestPages.markerPage(3);
        PhaseStats stats = new PhaseStats();
        UserSession s = session(t, f, stats);
        s.step();
        int user = s.userId();
        s.step();
        s.step(); // ViewItem: ERROR
        assertNull(s.state());
        assertEquals(1, stats.errors(State.VIEW_ITEM));
        s.step();
        assertEquals("/rubis/index.html", f.last());
        assertEquals(State.HOME, s.state());
        assertEquals(user, s.userId(), "the same user restarts at Home");
        assertEquals(1, stats.totalErrors());
        assertEquals(1, stats.result(Phase.MEASUREMENT, 1).sessionsStarted());
    }

    @Test
    void endOfSessionStartsANewSessionAtHome() {
        TransitionTable t = table(Map.of(State.HOME, "Browse 1", State.BROWSE, "END 1"));
        Recording f = new Recording();
        PhaseStats stats = new PhaseStats();
        UserSession s = session(t, f, stats);
        s.step(); // Home
        s.step(); // Browse
        int requests = f.urls.size();
        s.step(); // END: no request
        assertEquals(requests, f.urls.size());
        assertNull(s.state());
        s.step(); // new session at Home
        assertEquals("/rubis/index.html", f.last());
        PhaseResult r = stats.result(Phase.MEASUREMENT, 1);
        assertEquals(2, r.sessionsStarted());
        assertEquals(1, r.endOfSessionSteps());
        assertEquals(3, r.pageRequests());
        assertEquals(4, r.originalCount());
    }

    @Test
    void aSessionEndsAfterTheMaximumNumberOfPages() {
        TransitionTable t = table(Map.of(State.HOME, "Browse 1", State.BROWSE, "Home 1"));
        PhaseStats stats = new PhaseStats();
        UserSession s = new UserSession(t, POP, p -> "page", new SplittableRandom(1), stats, 10, 5, 0, ms -> { });
        for (int i = 0; i < 25; i++) {
            s.step();
        }
        PhaseResult r = stats.result(Phase.MEASUREMENT, 1);
        assertEquals(25, r.pageRequests());
        assertEquals(3, r.sessionsStarted());
    }

    @Test
    void sameStateLeftoverRequestsTheStateAgain() {
        // Home's column sums to 0.5: the leftover mass stays on Home
        TransitionTable t = table(Map.of(State.HOME, "Browse 0.5", State.BROWSE, "Home 1"));
        Recording f = new Recording();
        PhaseStats stats = new PhaseStats();
        UserSession s = session(t, f, stats);
        for (int i = 0; i < 4000; i++) {
            s.step();
        }
        // from Home: stay with 0.5 → pages Home:Browse = 2:1
        double share = (double) stats.pages(State.HOME) / stats.totalPages();
        assertEquals(2.0 / 3, share, 0.03);
    }

    @Test
    void connectionFailuresAreRetriedThenTheSessionResets() throws Exception {
        TransitionTable t = table(Map.of(State.HOME, "Browse 1", State.BROWSE, "Home 1"));
        int[] failuresLeft = {0};
        List<Long> sleeps = new ArrayList<>();
        PageFetcher f = path -> {
            if (failuresLeft[0] > 0) {
                failuresLeft[0]--;
                throw new IOException("connection refused");
            }
            return "page " + path;
        };
        PhaseStats stats = new PhaseStats();
        UserSession s = new UserSession(t, POP, f, new SplittableRandom(3), stats, 1000, 5, 1000, sleeps::add);
        s.step(); // Home
        failuresLeft[0] = 5;
        s.step(); // Browse: 5 failures then success
        assertEquals(State.BROWSE, s.state());
        assertEquals(5, sleeps.size());
        assertTrue(sleeps.stream().allMatch(ms -> ms == 1000));
        assertEquals(0, stats.totalErrors());
        failuresLeft[0] = 6;
        s.step(); // Home: 6 failures = gives up
        assertNull(s.state());
        assertEquals(10, sleeps.size());
        assertEquals(1, stats.errors(State.HOME));
        assertEquals(11, stats.result(Phase.MEASUREMENT, 1).connectionFailures());
        s.step(); // reset: Home again
        assertEquals(State.HOME, s.state());
    }

    @Test
    void imagesAreFetchedAfterThePage() {
        List<String> resources = new ArrayList<>();
        PageFetcher f = new PageFetcher() {
            @Override
            public String fetch(String p) {
                return "<IMG SRC=\"/rubis/logo.jpg\"> <img src='bullet.gif'>";
            }

            @Override
            public void fetchResource(String p) {
                resources.add(p);
            }
        };
        UserSession s = session(TransitionTable.browsing(), f, new PhaseStats());
        s.step();
        assertEquals(List.of("/rubis/logo.jpg", "/rubis/bullet.gif"), resources);
    }

    @Test
    void theSeedDeterminesTheRun() {
        Recording a = new Recording();
        Recording b = new Recording();
        UserSession x = session(TransitionTable.bidding(), a, new PhaseStats());
        UserSession y = session(TransitionTable.bidding(), b, new PhaseStats());
        for (int i = 0; i < 2000; i++) {
            x.step();
            y.step();
        }
        assertEquals(a.urls, b.urls);
        assertNotEquals(0, a.urls.size());
    }
}
