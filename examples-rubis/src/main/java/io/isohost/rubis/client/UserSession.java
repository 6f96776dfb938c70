package io.isohost.rubis.client;

import io.isohost.rubis.Population;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One emulated user: the RUBiS state machine driven by a {@link TransitionTable}, building each
 * request from the last page it received, as the original RUBiS client's
 * {@code edu.rice.rubis.client.UserSession} does. Each {@link #step()} is one step of the
 * state machine; the caller spends one think time after each step.
 *
 * <ul>
 *   <li>A session picks a user uniformly, starts at Home and runs until the matrix draws End of
 *       Session or {@code maxPages} pages were requested; the next step starts a new session.</li>
 *   <li>Back re-requests the page on top of the history stack (the same URL). Entering a state
 *       whose Back probability is 0 clears the stack; entering any other state pushes the page left.
 *       The leftover mass of a column ("same page again") requests the current state again with a
 *       freshly built URL and leaves the stack alone.</li>
 *   <li>A page containing {@code ERROR} is counted as an error and the session (same user) restarts
 *       at Home. After a page containing {@code Sorry} the next row is drawn from the Sorry page's
 *       state as usual, but only End of Session is followed: any other row sends the session back,
 *       to the page on top of the Back stack (a drawn Back takes one more page off first), or to
 *       Home when the stack is empty, as the original's {@code backToPreviousState} does. A request
 *       that cannot connect is retried {@code retries} times, {@code retryDelay} apart, and then
 *       counted as an error and the session is reset.</li>
 * </ul>
 *
 * <p>Not thread-safe: one session per thread.
 */
final class UserSession {

    /** A page the session has seen: its state, the URL requested and the text received. */
    record Page(State state, String url, String html) {
    }

    /** Sleeps between connection retries; tests pass a no-op. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private static final int[] RATINGS = {-5, -3, 0, 3, 5};
    private static final String[] COMMENTS = {
        "Never again: the item did not match its description and the seller ignored my messages. ",
        "Disappointing deal, slow shipping and the goods arrived damaged. ",
        "Average transaction, nothing special to report either way. ",
        "Good seller, the item arrived on time and as described. ",
        "Outstanding seller, fast shipping and a perfect item, highly recommended! ",
    };
    private static final String BLURB = "This wonderful item is in excellent condition and ships worldwide. ";

    private final TransitionTable table;
    private final Population population;
    private final PageFetcher fetcher;
    /** How many ids a new user's registration draws from. */
    static final long REGISTRATION_IDS = 1_000_000_000_000L;
    private final RandomGenerator random;
    private final StatsSink stats;
    private final int maxPages;
    private final int retries;
    private final long retryDelayMs;
    private final Sleeper sleeper;

    private final Deque<Page> history = new ArrayDeque<>();
    private Page current;
    private boolean inSession;
    private int userId;
    private int pagesInSession;
    private long lastItemId;
    private long lastUserId;

    UserSession(TransitionTable table, Population population, PageFetcher fetcher, RandomGenerator random,
                StatsSink stats, int maxPages, int retries, long retryDelayMs, Sleeper sleeper) {
        this.table = table;
        this.population = population;
        this.fetcher = fetcher;
        this.random = random;
        this.stats = stats;
        this.maxPages = maxPages;
        this.retries = retries;
        this.retryDelayMs = retryDelayMs;
        this.sleeper = sleeper;
        this.lastItemId = 1 + random.nextInt(Math.max(1, population.activeItems()));
        this.lastUserId = 1 + random.nextInt(population.users());
    }

    /** The state of the page the session is on, or null between sessions. */
    State state() {
        return current == null ? null : current.state();
    }

    /** The page the session is on, or null. */
    Page currentPage() {
        return current;
    }

    /** The session's user id (1-based, as stored in the database). */
    int userId() {
        return userId;
    }

    /** Depth of the Back history. */
    int historyDepth() {
        return history.size();
    }

    /**
     * One step of the state machine: start a session, or draw the next row from the current state
     * and act on it (request a page, go Back, or end the session).
     */
    void step() {
        if (!inSession) {
            startSession();
            return;
        }
        if (current == null) { // restarting at Home after an error or a failed connection
            goTo(State.HOME, true);
            return;
        }
        if (pagesInSession >= maxPages) {
            inSession = false;
            startSession();
            return;
        }
        int row = table.next(current.state(), random.nextDouble());
        // after a Sorry page only End of Session is followed; any other row goes back
        boolean sorry = current.html().contains("Sorry");
        if (row == TransitionTable.END) {
            stats.end();
            inSession = false;
            current = null;
            history.clear();
        } else if (row == TransitionTable.BACK) {
            stats.back();
            if (sorry) {
                history.pollFirst();
            }
            goBack();
        } else if (sorry) {
            goBack();
        } else if (row == TransitionTable.STAY) {
            State s = current.state();
            request(s, urlFor(s, current.html()));
        } else {
            goTo(State.of(row), false);
        }
    }

    /** Back to the page on top of the history stack (its very URL), or Home when there is none. */
    private void goBack() {
        Page back = history.pollFirst();
        if (back == null) {
            goTo(State.HOME, true);
        } else {
            request(back.state(), back.url());
        }
    }

    private void startSession() {
        stats.sessionStarted();
        inSession = true;
        userId = 1 + random.nextInt(population.users());
        pagesInSession = 0;
        history.clear();
        current = null;
        goTo(State.HOME, true);
    }

    /** A move into {@code s} drawn from the matrix (or forced to Home): maintain the Back stack and request. */
    private void goTo(State s, boolean reset) {
        boolean pushed = false;
        if (reset || current == null) {
            history.clear();
        } else if (table.backProbability(s) == 0) {
            history.clear();
        } else {
            history.push(current);
            pushed = true;
        }
        String url = urlFor(s, current == null ? "" : current.html());
        if (!request(s, url) && pushed) {
            history.pollFirst();
        }
    }

    /**
     * Requests one page with its images, retrying failed connections; records it and updates the
     * session. Returns false if no page was obtained (the session was reset or the thread stopped).
     */
    private boolean request(State s, String url) {
        String html = null;
        long latency = 0;
        for (int attempt = 0; ; attempt++) {
            long t0 = System.nanoTime();
            try {
                html = fetcher.fetch(url);
                for (String img : Pages.images(html)) {
                    fetcher.fetchResource(resolve(url, img));
                }
                latency = System.nanoTime() - t0;
                break;
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (IOException | RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
                stats.connectionFailure();
                if (attempt >= retries) {
                    stats.failed(s);
                    reset();
                    return false;
                }
                try {
                    sleeper.sleep(retryDelayMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        pagesInSession++;
        boolean error = html.contains("ERROR");
        stats.page(s, latency, error);
        if (error) {
            reset();
            return false;
        }
        if (html.contains("Sorry")) {
            stats.sorry();
        }
        current = new Page(s, url, html);
        return true;
    }

    /** After an error: the same user starts again at Home on the next step. */
    private void reset() {
        current = null;
        history.clear();
    }

    private static String resolve(String pageUrl, String src) {
        if (src.startsWith("http://") || src.startsWith("https://") || src.startsWith("/")) {
            return src;
        }
        try {
            return URI.create(pageUrl).resolve(src).toString();
        } catch (IllegalArgumentException e) {
            return "/" + src;
        }
    }

    // ---- building each request (the original UserSession's computeURLFromState)

    /** The path and query for state {@code s}, built from the last page {@code last}. */
    String urlFor(State s, String last) {
        Query q = new Query(s.path());
        switch (s) {
            case HOME, REGISTER, BROWSE, SELL, ABOUT_ME_FORM, BROWSE_CATEGORIES, BROWSE_REGIONS -> {
            }
            case REGISTER_USER -> {
                // the original draws from a million ids, so about one registration in 1,500 met an
                // earlier one and got "nickname already taken", an error the host did not cause;
                // drawn from 10^12 a collision is as good as impossible
                long i = population.users() + 1 + random.nextLong(REGISTRATION_IDS);
                q.add("firstname", "Great" + i).add("lastname", "User" + i).add("nickname", "user" + i)
                        .add("email", "Great" + i + ".User" + i + "@rubis.com").add("password", "password" + i)
                        .add("region", population.regions().get((int) (i % population.regions().size())));
            }
            case SEARCH_ITEMS_IN_CATEGORY -> {
                Population.Category c = category();
                q.add("category", c.id()).add("categoryName", c.name()).add("page", page(last))
                        .add("nbOfItems", Population.ITEMS_PER_PAGE);
            }
            case BROWSE_CATEGORIES_IN_REGION ->
                    q.add("region", population.regions().get(random.nextInt(population.regions().size())));
            case SEARCH_ITEMS_IN_REGION -> {
                Population.Category c = category();
                q.add("region", 1 + random.nextInt(population.regions().size())).add("category", c.id())
                        .add("categoryName", c.name()).add("page", page(last))
                        .add("nbOfItems", Population.ITEMS_PER_PAGE);
            }
            case VIEW_ITEM, VIEW_BID_HISTORY, BUY_NOW_AUTH, PUT_BID_AUTH -> q.add("itemId", itemId(last));
            case VIEW_USER_INFO -> {
                long u = Pages.firstUserId(last);
                if (u > 0) {
                    lastUserId = u;
                }
                q.add("userId", lastUserId);
            }
            case BUY_NOW, PUT_BID -> q.add("itemId", itemId(last)).add("nickname", Population.nickname(userId))
                    .add("password", Population.password(userId));
            case STORE_BUY_NOW -> {
                long maxQty = Math.max(1, Pages.hiddenNumber(last, "maxQty"));
                q.add("itemId", itemId(last)).add("userId", userId).add("qty", 1 + random.nextLong(maxQty))
                        .add("maxQty", maxQty);
            }
            case STORE_BID -> {
                long maxQty = Math.max(1, Pages.hiddenNumber(last, "maxQty"));
                String mb = Pages.hiddenValue(last, "minBid");
                BigDecimal minBid;
                try {
                    minBid = mb == null ? BigDecimal.ONE : new BigDecimal(mb);
                } catch (NumberFormatException e) {
                    minBid = BigDecimal.ONE;
                }
                int k = 1 + random.nextInt(10);
                q.add("itemId", itemId(last)).add("userId", userId).add("minBid", minBid.toPlainString())
                        .add("bid", minBid.add(BigDecimal.valueOf(k)).toPlainString())
                        .add("maxBid", minBid.add(BigDecimal.valueOf(2L * k)).toPlainString())
                        .add("maxQty", maxQty).add("qty", 1 + random.nextLong(maxQty));
            }
            case PUT_COMMENT_AUTH -> q.add("itemId", itemId(last)).add("to", Pages.commentTarget(last));
            case PUT_COMMENT -> q.add("itemId", itemId(last)).add("to", Pages.commentTarget(last))
                    .add("nickname", Population.nickname(userId)).add("password", Population.password(userId));
            case STORE_COMMENT -> {
                int r = random.nextInt(RATINGS.length);
                q.add("itemId", itemId(last)).add("to", Pages.commentTarget(last)).add("from", userId)
                        .add("rating", RATINGS[r])
                        .add("comment", text(COMMENTS[r], 1 + random.nextInt(Population.COMMENT_MAX_LENGTH)));
            }
            case SELECT_CATEGORY_TO_SELL_ITEM -> q.add("nickname", Population.nickname(userId))
                    .add("password", Population.password(userId));
            case SELL_ITEM_FORM -> q.add("category", category().id()).add("user", userId);
            case REGISTER_ITEM -> {
                long k = (long) population.activeItems() + population.oldItems() + 1 + random.nextInt(1_000_000);
                int initial = 1 + random.nextInt(5000);
                int reserve = random.nextInt(100) < 40 ? initial + random.nextInt(1000) : 0;
                int buyNow = random.nextInt(100) < 10 ? initial + reserve + random.nextInt(1000) : 0;
                int quantity = random.nextInt(100) < 80 ? 1 : 1 + random.nextInt(Population.MAX_QUANTITY);
                q.add("name", "RUBiS automatically generated item #" + k)
                        .add("description", text(BLURB, 1 + random.nextInt(Population.DESCRIPTION_MAX_LENGTH)))
                        .add("initialPrice", initial).add("reservePrice", reserve).add("buyNow", buyNow)
                        .add("duration", 1 + random.nextInt(7)).add("quantity", quantity).add("userId", userId)
                        .add("categoryId", category().id());
            }
            case ABOUT_ME -> q.add("nickname", Population.nickname(userId)).add("password", Population.password(userId));
        }
        return q.toString();
    }

    private Population.Category category() {
        List<Population.Category> cats = population.categories();
        return cats.get(random.nextInt(cats.size()));
    }

    /** An item id picked uniformly among the page's {@code itemId=} links, else the last one used. */
    private long itemId(String last) {
        List<Long> ids = Pages.itemIds(last);
        if (!ids.isEmpty()) {
            lastItemId = ids.get(random.nextInt(ids.size()));
        }
        return lastItemId;
    }

    /** A page number from the page's {@code &page=} links (one picked uniformly), else 0. */
    private long page(String last) {
        List<Long> pages = Pages.pageLinks(last);
        return pages.isEmpty() ? 0 : pages.get(random.nextInt(pages.size()));
    }

    private static String text(String sentence, int length) {
        StringBuilder sb = new StringBuilder(length + sentence.length());
        while (sb.length() < length) {
            sb.append(sentence);
        }
        sb.setLength(length);
        return sb.toString();
    }

    /** A path with a URL-encoded query string. */
    private static final class Query {
        private final StringBuilder sb;
        private boolean first = true;

        Query(String path) {
            sb = new StringBuilder(path);
        }

        Query add(String name, Object value) {
            sb.append(first ? '?' : '&').append(name).append('=')
                    .append(URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
            first = false;
            return this;
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
