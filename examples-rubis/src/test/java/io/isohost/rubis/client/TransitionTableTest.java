package io.isohost.rubis.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.isohost.rubis.Population;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransitionTableTest {

    private static double rawSum(TransitionTable t, State from) {
        double s = 0;
        for (int row = 0; row < TransitionTable.ROWS; row++) {
            s += t.raw(from, row);
        }
        return s;
    }

    @Test
    void rawSumsMatchTheFacts() {
        TransitionTable bid = TransitionTable.bidding();
        assertEquals(0.97, rawSum(bid, State.HOME), 1e-9);
        assertEquals(1.2079, rawSum(bid, State.SEARCH_ITEMS_IN_CATEGORY), 1e-9);
        assertEquals(1.2079, rawSum(bid, State.VIEW_ITEM), 1e-9);
        assertEquals(1.0079, rawSum(bid, State.VIEW_BID_HISTORY), 1e-9);
        assertEquals(1.0, rawSum(bid, State.STORE_BID), 1e-9);
        assertEquals(1.168, rawSum(bid, State.ABOUT_ME), 1e-9);
        TransitionTable br = TransitionTable.browsing();
        assertEquals(1.0, rawSum(br, State.HOME), 1e-9);
        assertEquals(0.9905, rawSum(br, State.BROWSE), 1e-9);
        assertEquals(1.198, rawSum(br, State.VIEW_ITEM), 1e-9);
        assertEquals(1.16, rawSum(br, State.ABOUT_ME), 1e-9);
    }

    @Test
    void effectiveProbabilitiesTruncateAndLeaveTheRestOnTheSamePage() {
        double[] viewItem = TransitionTable.bidding().effective(State.VIEW_ITEM);
        assertEquals(0.4921, viewItem[TransitionTable.BACK], 1e-9);
        assertEquals(0, viewItem[TransitionTable.END], 1e-12);
        double[] search = TransitionTable.bidding().effective(State.SEARCH_ITEMS_IN_CATEGORY);
        assertEquals(0.0841, search[State.PUT_BID_AUTH.ordinal()], 1e-9);
        assertEquals(0, search[State.SELL.ordinal()], 1e-12);
        double[] home = TransitionTable.bidding().effective(State.HOME);
        assertEquals(0.03, home[TransitionTable.ROWS], 1e-9);
        double[] browsingSearch = TransitionTable.browsing().effective(State.SEARCH_ITEMS_IN_CATEGORY);
        assertEquals(0.002, browsingSearch[TransitionTable.END], 1e-9);
        assertEquals(0.0095, TransitionTable.browsing().effective(State.BROWSE)[TransitionTable.ROWS], 1e-9);
    }

    @Test
    void drawingWalksTheRowsCumulatively() {
        TransitionTable bid = TransitionTable.bidding();
        assertEquals(State.REGISTER.ordinal(), bid.next(State.HOME, 0.0));
        assertEquals(State.REGISTER.ordinal(), bid.next(State.HOME, 0.0699));
        assertEquals(State.BROWSE.ordinal(), bid.next(State.HOME, 0.07));
        assertEquals(State.ABOUT_ME_FORM.ordinal(), bid.next(State.HOME, 0.9699));
        assertEquals(TransitionTable.STAY, bid.next(State.HOME, 0.9701));
        assertEquals(TransitionTable.BACK, bid.next(State.VIEW_ITEM, 0.9999));
        assertEquals(TransitionTable.END, TransitionTable.browsing().next(State.VIEW_ITEM, 0.9985));
    }

    @Test
    void onlyTheThreeViewPagesHaveBack() {
        for (TransitionTable t : new TransitionTable[] {TransitionTable.bidding(), TransitionTable.browsing()}) {
            for (State s : State.values()) {
                boolean view = s == State.VIEW_ITEM || s == State.VIEW_USER_INFO || s == State.VIEW_BID_HISTORY;
                assertEquals(view, t.backProbability(s) > 0, t + " " + s);
            }
        }
    }

    // ---- (a) the interaction mix of a long seeded run matches the original emulator's

    /** The original emulator's mix with these tables, percent of real page requests; BrowseCategories is the servlet's three uses together. */
    private static Map<State, Double> expected(Mix mix) {
        Map<State, Double> m = new EnumMap<>(State.class);
        boolean bid = mix == Mix.BIDDING;
        m.put(State.HOME, bid ? 2.12 : 0.27);
        m.put(State.REGISTER, bid ? 1.11 : 0);
        m.put(State.REGISTER_USER, bid ? 1.11 : 0);
        m.put(State.BROWSE, bid ? 7.65 : 1.02);
        m.put(State.BROWSE_CATEGORIES, bid ? 8.13 : 1.01); // + InRegion + SelectCategoryToSellItem
        m.put(State.BROWSE_REGIONS, bid ? 2.22 : 0.30);
        m.put(State.SEARCH_ITEMS_IN_CATEGORY, bid ? 16.86 : 34.25);
        m.put(State.SEARCH_ITEMS_IN_REGION, bid ? 6.87 : 13.89);
        m.put(State.VIEW_ITEM, bid ? 16.25 : 35.13);
        m.put(State.VIEW_USER_INFO, bid ? 4.14 : 9.79);
        m.put(State.VIEW_BID_HISTORY, bid ? 2.33 : 4.33);
        m.put(State.BUY_NOW_AUTH, bid ? 1.62 : 0);
        m.put(State.BUY_NOW, bid ? 1.60 : 0);
        m.put(State.STORE_BUY_NOW, bid ? 1.57 : 0);
        m.put(State.PUT_BID_AUTH, bid ? 5.90 : 0);
        m.put(State.PUT_BID, bid ? 7.21 : 0);
        m.put(State.STORE_BID, bid ? 5.33 : 0);
        m.put(State.PUT_COMMENT_AUTH, 0.0);
        m.put(State.PUT_COMMENT, bid ? 0.64 : 0);
        m.put(State.STORE_COMMENT, bid ? 0.63 : 0);
        m.put(State.SELL, bid ? 0.61 : 0);
        m.put(State.SELL_ITEM_FORM, bid ? 0.59 : 0);
        m.put(State.REGISTER_ITEM, bid ? 0.58 : 0);
        m.put(State.ABOUT_ME_FORM, bid ? 1.83 : 0);
        m.put(State.ABOUT_ME, bid ? 3.10 : 0);
        return m;
    }

    private static PhaseStats simulate(Mix mix, int steps, long seed) {
        PhaseStats stats = new PhaseStats();
        SplittableRandom master = new SplittableRandom(seed);
        Population population = Population.ofScale(0.01);
        int sessions = 40;
        for (int c = 0; c < sessions; c++) {
            SplittableRandom r = master.split();
            long[] n = {0};
            UserSession s = new UserSession(TransitionTable.of(mix), population,
                    path -> TestPages.markerPage(n[0]++), r, stats, 1000, 5, 0, ms -> { });
            for (int i = 0; i < steps / sessions; i++) {
                s.step();
            }
        }
        return stats;
    }

    private static void assertMix(Mix mix) {
        PhaseStats stats = simulate(mix, 400_000, 20020523L + mix.ordinal());
        double total = stats.totalPages();
        Map<State, Double> expected = expected(mix);
        StringBuilder report = new StringBuilder();
        boolean ok = true;
        for (Map.Entry<State, Double> e : expected.entrySet()) {
            State s = e.getKey();
            long n = stats.pages(s);
            if (s == State.BROWSE_CATEGORIES) {
                n += stats.pages(State.BROWSE_CATEGORIES_IN_REGION) + stats.pages(State.SELECT_CATEGORY_TO_SELL_ITEM);
            }
            double pct = 100.0 * n / total;
            double tolerance = Math.max(0.6, 0.08 * e.getValue());
            boolean good = Math.abs(pct - e.getValue()) <= tolerance;
            ok &= good;
            report.append(String.format("%-26s expected %6.2f got %6.2f %s%n", s.label(), e.getValue(), pct,
                    good ? "" : "<-- off"));
        }
        assertTrue(ok, mix + " mix:\n" + report);
        assertEquals(0, stats.totalErrors());
        // the original's counting adds the Back and End-of-Session pseudo-steps
        PhaseResult r = stats.result(Phase.MEASUREMENT, 1);
        double ratio = (double) r.originalCount() / r.pageRequests();
        assertEquals(mix == Mix.BIDDING ? 1.15 : 1.375, ratio, 0.03, mix + " count ratio");
    }

    @Test
    void biddingMixMatchesTheComputedMix() {
        assertMix(Mix.BIDDING);
    }

    @Test
    void browsingMixMatchesTheComputedMix() {
        assertMix(Mix.BROWSING);
    }
}
