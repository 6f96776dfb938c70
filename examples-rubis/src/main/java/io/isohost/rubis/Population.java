package io.isohost.rubis;

import java.util.List;

/**
 * The size of a RUBiS database: the papers' population times a scale factor. The data generator
 * builds it and the client emulator draws its request parameters from it, so both must agree.
 *
 * <p>At scale 1: 1,000,000 users, 32,667 active items in 20 categories (each category's count from
 * eBay's 2001 snapshot), 500,000 closed items, 0–19 bids per active item and one comment per item.
 */
public record Population(double scale, int users, int oldItems, List<Category> categories, List<String> regions) {

    /** A category and how many active items it holds at this scale. */
    public record Category(int id, String name, int activeItems) {
    }

    public static final int PAPER_USERS = 1_000_000;
    public static final int PAPER_OLD_ITEMS = 500_000;
    public static final int MAX_BIDS_PER_ITEM = 20;
    public static final int MAX_QUANTITY = 10;
    public static final int DESCRIPTION_MAX_LENGTH = 8192;
    public static final int COMMENT_MAX_LENGTH = 2048;
    public static final int ITEMS_PER_PAGE = 20;

    public Population {
        categories = List.copyOf(categories);
        regions = List.copyOf(regions);
    }

    /** The papers' population times {@code scale} (at least one user and one item per category). */
    public static Population ofScale(double scale) {
        if (!(scale > 0) || scale > 10) {
            throw new IllegalArgumentException("scale must be in (0, 10], got " + scale);
        }
        List<Category> cats = new java.util.ArrayList<>();
        for (int i = 0; i < CATEGORY_NAMES.size(); i++) {
            cats.add(new Category(i + 1, CATEGORY_NAMES.get(i), Math.max(1, (int) Math.round(CATEGORY_ITEMS[i] * scale))));
        }
        return new Population(scale, Math.max(10, (int) Math.round(PAPER_USERS * scale)),
                (int) Math.round(PAPER_OLD_ITEMS * scale), cats, REGION_NAMES);
    }

    public int activeItems() {
        return categories.stream().mapToInt(Category::activeItems).sum();
    }

    /** Nickname of user {@code id} (1-based, as stored): the original's {@code user<id>}. */
    public static String nickname(int id) {
        return "user" + id;
    }

    public static String password(int id) {
        return "password" + id;
    }

    private static final List<String> CATEGORY_NAMES = List.of(
            "Antiques & Art", "Books", "Business, Office & Industrial", "Clothing & Accessories", "Coins",
            "Collectibles", "Computers", "Consumer Electronics", "Dolls & Bears", "Home & Garden",
            "Jewelry, Gems & Watches", "Movies & Television", "Music", "Photo", "Pottery & Glass",
            "Sports", "Stamps", "Tickets & Travel", "Toys & Hobbies", "Everything Else");

    private static final int[] CATEGORY_ITEMS = {
            1374, 2691, 259, 2874, 538, 7521, 664, 586, 1077, 976,
            2325, 1051, 1420, 170, 1069, 3029, 305, 242, 3671, 825};

    /**
     * The 62 regions of RUBiS's {@code ebay_regions.txt} (eBay's US metro areas, September 2001),
     * in its order, so region ids 1..62 are the original's. The file writes {@code "MA--Boston "}
     * with a trailing space, which MySQL's comparison ignored; it is stored trimmed here and the
     * servlets trim parameters, so both spellings find it.
     */
    private static final List<String> REGION_NAMES = List.of(
            "AZ--Phoenix", "CA--Los Angeles", "CA--Oakland", "CA--Sacramento", "CA--San Diego",
            "CA--San Francisco", "CA--San Jose", "CO--Denver", "CT--Hartford", "DC--Washington",
            "FL--Jacksonville", "FL--Miami", "FL--Orlando", "FL--Tampa-St. Pete", "FL--West Palm Beach",
            "GA--Atlanta", "HI--Honolulu", "ID--Billings-Boise", "IL--Chicago", "IN--Indianapolis",
            "KS--Kansas City", "KY--Louisville", "LA--New Orleans", "MA--Boston", "MD--Baltimore",
            "MI--Detroit", "MI--Grand Rapids", "MN--Minn-St. Paul", "MO--Kansas City", "MO--St. Louis",
            "MT--Billings-Boise", "NC--Charlotte", "NC--Greensboro", "NC--Raleigh-Durham", "ND--Bismarck-Pierre",
            "NM--Albuquerque", "NV--Las Vegas", "NY--Albany", "NY--Buffalo", "NY--New York",
            "NY--Rochester", "OH--Cincinnati", "OH--Cleveland", "OH--Columbus", "OH--Dayton",
            "OK--Oklahoma City", "OR--Portland", "PA--Philadelphia", "PA--Pittsburgh", "RI--Providence",
            "SD--Bismarck-Pierre", "TN--Memphis", "TN--Nashville", "TX--Austin", "TX--Dallas-Fort Worth",
            "TX--Houston", "TX--San Antonio", "UT--Salt Lake City", "VA--Norfolk-VA Beach", "VA--Richmond",
            "WA--Seattle-Tacoma", "WI--Milwaukee");
}
