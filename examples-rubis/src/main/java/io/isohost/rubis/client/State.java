package io.isohost.rubis.client;

/**
 * The 27 interaction states of the RUBiS emulator, in the order of the transition matrices' rows
 * and columns. The two pseudo-states Back and End of Session are matrix rows 27 and 28
 * only; they are not pages and have no constant here (see {@link TransitionTable#BACK} and
 * {@link TransitionTable#END}).
 */
public enum State {
    HOME("Home", "/rubis/index.html"),
    REGISTER("Register", "/rubis/register.html"),
    REGISTER_USER("RegisterUser", servlet("RegisterUser")),
    BROWSE("Browse", "/rubis/browse.html"),
    BROWSE_CATEGORIES("BrowseCategories", servlet("BrowseCategories")),
    SEARCH_ITEMS_IN_CATEGORY("SearchItemsInCategory", servlet("SearchItemsByCategory")),
    BROWSE_REGIONS("BrowseRegions", servlet("BrowseRegions")),
    BROWSE_CATEGORIES_IN_REGION("BrowseCategoriesInRegion", servlet("BrowseCategories")),
    SEARCH_ITEMS_IN_REGION("SearchItemsInRegion", servlet("SearchItemsByRegion")),
    VIEW_ITEM("ViewItem", servlet("ViewItem")),
    VIEW_USER_INFO("ViewUserInfo", servlet("ViewUserInfo")),
    VIEW_BID_HISTORY("ViewBidHistory", servlet("ViewBidHistory")),
    BUY_NOW_AUTH("BuyNowAuth", servlet("BuyNowAuth")),
    BUY_NOW("BuyNow", servlet("BuyNow")),
    STORE_BUY_NOW("StoreBuyNow", servlet("StoreBuyNow")),
    PUT_BID_AUTH("PutBidAuth", servlet("PutBidAuth")),
    PUT_BID("PutBid", servlet("PutBid")),
    STORE_BID("StoreBid", servlet("StoreBid")),
    PUT_COMMENT_AUTH("PutCommentAuth", servlet("PutCommentAuth")),
    PUT_COMMENT("PutComment", servlet("PutComment")),
    STORE_COMMENT("StoreComment", servlet("StoreComment")),
    SELL("Sell", "/rubis/sell.html"),
    SELECT_CATEGORY_TO_SELL_ITEM("SelectCategoryToSellItem", servlet("BrowseCategories")),
    SELL_ITEM_FORM("SellItemForm", servlet("SellItemForm")),
    REGISTER_ITEM("RegisterItem", servlet("RegisterItem")),
    ABOUT_ME_FORM("AboutMe(authForm)", "/rubis/about_me.html"),
    ABOUT_ME("AboutMe", servlet("AboutMe"));

    /** Number of page states (matrix columns). */
    public static final int COUNT = 27;

    private static final State[] VALUES = values();

    private final String label;
    private final String path;

    State(String label, String path) {
        this.label = label;
        this.path = path;
    }

    /** The name used in the original matrices and in the results. */
    public String label() {
        return label;
    }

    /** The path (without query) requested for this state. */
    public String path() {
        return path;
    }

    /** True for the five interactions that write to the database. */
    public boolean writes() {
        return this == REGISTER_USER || this == STORE_BUY_NOW || this == STORE_BID || this == STORE_COMMENT
                || this == REGISTER_ITEM;
    }

    public static State of(int index) {
        return VALUES[index];
    }

    static String servlet(String name) {
        return "/servlet/edu.rice.rubis.servlets." + name;
    }
}
