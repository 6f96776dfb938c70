package io.isohost.rubis.client;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A RUBiS transition matrix: for each of the 27 page states (the FROM state), the raw probability of
 * each of the 29 rows (27 page states, then {@link #BACK}, then {@link #END}), exactly as typed in
 * the transition tables shipped with RUBiS ({@code default_transitions_7} and
 * {@code browse_only_transitions_7}).
 *
 * <p>The next state is drawn as the original emulator does: a uniform {@code u} in [0,1) is compared
 * with the running sum of the FROM state's probabilities, walking the rows in file order; the first
 * row whose running sum exceeds {@code u} wins. A column that sums to less than 1 leaves its
 * leftover mass to "request the same page again" ({@link #STAY}); a column that sums to more than 1
 * truncates its bottom rows. The raw values are kept unnormalised on purpose, so the effective mix
 * is the one the original emulator produces (the percentages are in {@code TransitionTableTest}).
 */
public final class TransitionTable {

    /** Row index of the Back pseudo-state. */
    public static final int BACK = State.COUNT;
    /** Row index of the End of Session pseudo-state. */
    public static final int END = State.COUNT + 1;
    /** Number of rows. */
    public static final int ROWS = State.COUNT + 2;
    /** Returned by {@link #next} when the leftover mass was drawn: stay on the same page. */
    public static final int STAY = -1;

    private final String name;
    /** [from][to]. */
    private final double[][] p;

    /** A table from raw probabilities {@code p[from][to]} (27 × 29). */
    public TransitionTable(String name, double[][] p) {
        if (p.length != State.COUNT) {
            throw new IllegalArgumentException("need " + State.COUNT + " FROM states, got " + p.length);
        }
        this.name = name;
        this.p = new double[State.COUNT][];
        for (int i = 0; i < p.length; i++) {
            if (p[i].length != ROWS) {
                throw new IllegalArgumentException("state " + i + ": need " + ROWS + " rows, got " + p[i].length);
            }
            for (double v : p[i]) {
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("state " + i + ": probability out of [0,1]: " + v);
                }
            }
            this.p[i] = p[i].clone();
        }
    }

    public static TransitionTable of(Mix mix) {
        return mix == Mix.BROWSING ? BROWSING : BIDDING;
    }

    public static TransitionTable browsing() {
        return BROWSING;
    }

    public static TransitionTable bidding() {
        return BIDDING;
    }

    public String name() {
        return name;
    }

    /** Raw probability of moving from {@code from} to row {@code to} (0..28). */
    public double raw(State from, int to) {
        return p[from.ordinal()][to];
    }

    /** Raw Back probability of a state; states with none clear the Back history when entered. */
    public double backProbability(State s) {
        return p[s.ordinal()][BACK];
    }

    /**
     * Draws the next row from {@code from} for a uniform {@code u} in [0,1): a state ordinal (0..26),
     * {@link #BACK}, {@link #END} or {@link #STAY}.
     */
    public int next(State from, double u) {
        double[] col = p[from.ordinal()];
        double cumul = 0;
        for (int row = 0; row < ROWS; row++) {
            cumul += col[row];
            if (u < cumul) {
                return row;
            }
        }
        return STAY;
    }

    /**
     * Effective probabilities of each row from {@code from} under the cumulative drawing, plus the
     * leftover ("same page again") at index {@link #ROWS}.
     */
    public double[] effective(State from) {
        double[] col = p[from.ordinal()];
        double[] eff = new double[ROWS + 1];
        double cumul = 0;
        for (int row = 0; row < ROWS; row++) {
            double next = Math.min(1, cumul + col[row]);
            eff[row] = Math.max(0, next - cumul);
            cumul = Math.max(cumul, next);
        }
        eff[ROWS] = Math.max(0, 1 - cumul);
        return eff;
    }

    @Override
    public String toString() {
        return "TransitionTable[" + name + "]";
    }

    // ---- the two shipped tables, as raw per-FROM-state lists in file row order

    private static final String[] BIDDING_SPEC = {
        /* Home */ "Register 0.07, Browse 0.7, Sell 0.05, AboutMe(authForm) 0.15",
        /* Register */ "Home 0.0001, RegisterUser 0.99, Browse 0.0058, Sell 0.0005, AboutMe(authForm) 0.0015",
        /* RegisterUser */ "Home 0.01, Browse 0.58, Sell 0.05, AboutMe(authForm) 0.15, END 0.2",
        /* Browse */ "Home 0.0001, Register 0.01, BrowseCategories 0.7, BrowseRegions 0.29, Sell 0.0005, AboutMe(authForm) 0.0015",
        /* BrowseCategories */ "Home 0.0001, Register 0.01, Browse 0.0058, SearchItemsInCategory 0.99, Sell 0.0005, AboutMe(authForm) 0.0015",
        /* SearchItemsInCategory */ "Home 0.0001, Register 0.01, Browse 0.0058, SearchItemsInCategory 0.4, ViewItem 0.5, PutBidAuth 0.09, Sell 0.0005, AboutMe(authForm) 0.0015, END 0.2",
        /* BrowseRegions */ "Home 0.0001, Register 0.01, Browse 0.0058, BrowseCategoriesInRegion 0.99, Sell 0.0005, AboutMe(authForm) 0.0015",
        /* BrowseCategoriesInRegion */ "Home 0.0001, Register 0.01, Browse 0.0058, SearchItemsInRegion 0.99, Sell 0.0005, AboutMe(authForm) 0.0015",
        /* SearchItemsInRegion */ "Home 0.0001, Register 0.01, Browse 0.0058, SearchItemsInRegion 0.4, ViewItem 0.5, PutBidAuth 0.09, Sell 0.0005, AboutMe(authForm) 0.0015, END 0.2",
        /* ViewItem */ "Home 0.0001, Register 0.01, Browse 0.0058, ViewUserInfo 0.1, ViewBidHistory 0.05, BuyNowAuth 0.1, PutBidAuth 0.22, PutComment 0.02, Sell 0.0005, AboutMe(authForm) 0.0015, BACK 0.5, END 0.2",
        /* ViewUserInfo */ "Home 0.0001, Register 0.01, Browse 0.0058, ViewUserInfo 0.19, Sell 0.0005, AboutMe(authForm) 0.0015, BACK 0.8, END 0.2",
        /* ViewBidHistory */ "Home 0.0001, Register 0.01, Browse 0.0058, ViewUserInfo 0.19, Sell 0.0005, AboutMe(authForm) 0.0015, BACK 0.8",
        /* BuyNowAuth */ "Home 0.0001, Register 0.01, Browse 0.0058, BuyNow 0.99, Sell 0.0005, AboutMe(authForm) 0.0015",
        /* BuyNow */ "Home 0.0001, Register 0.01, Browse 0.0058, StoreBuyNow 0.99, Sell 0.0005, AboutMe(authForm) 0.0015",
        /* StoreBuyNow */ "Home 0.01, Register 0.01, Browse 0.58, Sell 0.05, AboutMe(authForm) 0.15, END 0.2",
        /* PutBidAuth */ "Home 0.0001, Register 0.01, Browse 0.0058, PutBid 0.99, Sell 0.0005, AboutMe(authForm) 0.0015",
        /* PutBid */ "Home 0.0001, Register 0.01, Browse 0.0058, ViewUserInfo 0.05, ViewBidHistory 0.15, StoreBid 0.74, PutComment 0.05, Sell 0.0005, AboutMe(authForm) 0.0015",
        /* StoreBid */ "Home 0.01, Register 0.01, Browse 0.58, Sell 0.05, AboutMe(authForm) 0.15, END 0.2",
        /* PutCommentAuth */ "Home 0.0001, Register 0.01, Browse 0.0058, PutComment 0.99, Sell 0.0005, AboutMe(authForm) 0.0015",
        /* PutComment */ "Home 0.0001, Register 0.01, Browse 0.0058, StoreComment 0.99, Sell 0.0005, AboutMe(authForm) 0.0015",
        /* StoreComment */ "Home 0.01, Register 0.01, Browse 0.58, Sell 0.05, AboutMe(authForm) 0.15, END 0.2",
        /* Sell */ "Home 0.0001, Register 0.01, Browse 0.0058, Sell 0.0005, SelectCategoryToSellItem 0.99, AboutMe(authForm) 0.0015",
        /* SelectCategoryToSellItem */ "Home 0.0001, Register 0.01, Browse 0.0058, Sell 0.0005, SellItemForm 0.99, AboutMe(authForm) 0.0015",
        /* SellItemForm */ "Home 0.0001, Register 0.01, Browse 0.0058, Sell 0.0005, RegisterItem 0.99, AboutMe(authForm) 0.0015",
        /* RegisterItem */ "Home 0.01, Register 0.01, Browse 0.58, Sell 0.05, AboutMe(authForm) 0.15, END 0.2",
        /* AboutMe(authForm) */ "Home 0.0001, Register 0.01, Browse 0.0058, Sell 0.0005, AboutMe(authForm) 0.0015, AboutMe 0.99",
        /* AboutMe */ "Home 0.002, Register 0.01, Browse 0.116, ViewItem 0.65, ViewUserInfo 0.05, PutBidAuth 0.1, Sell 0.01, AboutMe(authForm) 0.03, END 0.2",
    };

    private static final String[] BROWSING_SPEC = {
        /* Home */ "Browse 1",
        /* Register */ "Home 0.0005, RegisterUser 0.99, Browse 0.0075",
        /* RegisterUser */ "Home 0.05, Browse 0.75, END 0.2",
        /* Browse */ "Home 0.0005, BrowseCategories 0.7, BrowseRegions 0.29",
        /* BrowseCategories */ "Home 0.0005, Browse 0.0075, SearchItemsInCategory 0.99",
        /* SearchItemsInCategory */ "Home 0.0005, Browse 0.0075, SearchItemsInCategory 0.44, ViewItem 0.55, END 0.2",
        /* BrowseRegions */ "Home 0.0005, Browse 0.0075, BrowseCategoriesInRegion 0.99",
        /* BrowseCategoriesInRegion */ "Home 0.0005, Browse 0.0075, SearchItemsInRegion 0.99",
        /* SearchItemsInRegion */ "Home 0.0005, Browse 0.0075, SearchItemsInRegion 0.44, ViewItem 0.55, END 0.2",
        /* ViewItem */ "Home 0.0005, Browse 0.0075, ViewUserInfo 0.15, ViewBidHistory 0.1, BACK 0.74, END 0.2",
        /* ViewUserInfo */ "Home 0.0005, Browse 0.0075, ViewUserInfo 0.19, BACK 0.8, END 0.2",
        /* ViewBidHistory */ "Home 0.0005, Browse 0.0075, ViewUserInfo 0.19, BACK 0.8",
        /* BuyNowAuth */ "Home 0.0005, Browse 0.0075, BuyNow 0.99",
        /* BuyNow */ "Home 0.0005, Browse 0.0075, StoreBuyNow 0.99",
        /* StoreBuyNow */ "Home 0.05, Browse 0.75, END 0.2",
        /* PutBidAuth */ "Home 0.0005, Browse 0.0075, PutBid 0.99",
        /* PutBid */ "Home 0.0005, Browse 0.0075, ViewUserInfo 0.05, ViewBidHistory 0.15, StoreBid 0.74, PutComment 0.05",
        /* StoreBid */ "Home 0.05, Browse 0.75, END 0.2",
        /* PutCommentAuth */ "Home 0.0005, Browse 0.0075, PutComment 0.99",
        /* PutComment */ "Home 0.0005, Browse 0.0075, StoreComment 0.99",
        /* StoreComment */ "Home 0.05, Browse 0.75, END 0.2",
        /* Sell */ "Home 0.0005, Browse 0.0075, SelectCategoryToSellItem 0.99",
        /* SelectCategoryToSellItem */ "Home 0.0005, Browse 0.0075, SellItemForm 0.99",
        /* SellItemForm */ "Home 0.0005, Browse 0.0075, RegisterItem 0.99",
        /* RegisterItem */ "Home 0.05, Browse 0.75, END 0.2",
        /* AboutMe(authForm) */ "Home 0.0005, Browse 0.0075, AboutMe 0.99",
        /* AboutMe */ "Home 0.01, Browse 0.15, ViewItem 0.75, ViewUserInfo 0.05, END 0.2",
    };

    private static final TransitionTable BIDDING = parse("bidding (default_transitions_7)", BIDDING_SPEC);
    private static final TransitionTable BROWSING = parse("browsing (browse_only_transitions_7)", BROWSING_SPEC);

    /**
     * Builds a table from one spec line per FROM state: {@code "Label p, Label p, ..."} where a label
     * is a {@link State#label()}, {@code BACK} or {@code END}. The entries must be in row order.
     */
    static TransitionTable parse(String name, String[] spec) {
        Map<String, Integer> rows = new HashMap<>();
        for (State s : State.values()) {
            rows.put(s.label(), s.ordinal());
        }
        rows.put("BACK", BACK);
        rows.put("END", END);
        double[][] p = new double[State.COUNT][ROWS];
        for (int from = 0; from < spec.length; from++) {
            int last = -1;
            for (String entry : spec[from].split(",")) {
                String e = entry.trim();
                int sp = e.lastIndexOf(' ');
                Integer row = rows.get(e.substring(0, sp));
                if (row == null || row <= last) {
                    throw new IllegalStateException("bad or out-of-order entry '" + e + "' for state " + from);
                }
                p[from][row] = Double.parseDouble(e.substring(sp + 1));
                last = row;
            }
        }
        return new TransitionTable(name, p);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransitionTable t && Arrays.deepEquals(p, t.p);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(p);
    }
}
