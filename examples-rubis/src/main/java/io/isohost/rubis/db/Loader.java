package io.isohost.rubis.db;

import io.isohost.rubis.Population;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Fills an empty RUBiS database in bulk: batched inserts over one connection, committed every few
 * thousand rows, in the proportions of RUBiS's own generator (the original client's {@code InitDB}):
 * <ul>
 *   <li>users {@code user<i>}/{@code password<i>}, region round-robin;</li>
 *   <li>active items per category from eBay's counts, closed items in {@code old_items};</li>
 *   <li>80% of items unique (else quantity 1..10), 40% with a reserve price, 10% with a buy-now price,
 *       drawn at random (the original's index comparison never gave active items either);</li>
 *   <li>0–19 bids per active item, laddering up from the initial price, with the item's
 *       {@code nb_of_bids} and {@code max_bid} kept in step;</li>
 *   <li>one comment per item, to its seller, whose rating sums the comments' ratings.</li>
 * </ul>
 */
public final class Loader {
    private static final int BATCH = 2_000;
    private static final int[] RATINGS = {-5, -3, 0, 3, 5};
    private static final String BLURB = "This is a very nice item that you should really buy. It is in excellent condition and ships at once. ";

    private final Connection c;
    private final Population p;
    private final SplittableRandom random;
    private final LongConsumer progress;
    private final Instant now = Instant.now();

    /** @param progress told the number of rows written so far, after every batch */
    public Loader(Connection connection, Population population, long seed, LongConsumer progress) {
        this.c = connection;
        this.p = population;
        this.random = new SplittableRandom(seed);
        this.progress = progress;
    }

    /** Rows the load will write, for a progress bar's total. */
    public static long expectedRows(Population p) {
        long items = p.activeItems() + (long) p.oldItems();
        return p.users() + items * 2 + p.activeItems() * (Population.MAX_BIDS_PER_ITEM - 1L) / 2 + 82;
    }

    /** Drops and recreates the schema, then writes the whole population. */
    public void load() throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            Schema.drop(c);
            Schema.create(c);
            c.commit();
            staticTables();
            int[] ratings = new int[p.users() + 1];
            items(ratings);
            users(ratings);
            c.commit();
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private long rows;

    private void staticTables() throws SQLException {
        try (PreparedStatement cat = c.prepareStatement("INSERT INTO categories (id, name) VALUES (?, ?)");
             PreparedStatement reg = c.prepareStatement("INSERT INTO regions (id, name) VALUES (?, ?)")) {
            for (Population.Category k : p.categories()) {
                cat.setInt(1, k.id());
                cat.setString(2, k.name());
                cat.addBatch();
            }
            for (int i = 0; i < p.regions().size(); i++) {
                reg.setInt(1, i + 1);
                reg.setString(2, p.regions().get(i));
                reg.addBatch();
            }
            cat.executeBatch();
            reg.executeBatch();
            rows += p.categories().size() + p.regions().size();
        }
    }

    private void items(int[] ratings) throws SQLException {
        String columns = "(id, name, description, initial_price, quantity, reserve_price, buy_now, nb_of_bids, max_bid, start_date, end_date, seller, category)";
        try (PreparedStatement active = c.prepareStatement("INSERT INTO items " + columns + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
             PreparedStatement old = c.prepareStatement("INSERT INTO old_items " + columns + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
             PreparedStatement bids = c.prepareStatement("INSERT INTO bids (user_id, item_id, qty, bid, max_bid, date) VALUES (?,?,?,?,?,?)");
             PreparedStatement comments = c.prepareStatement(
                     "INSERT INTO comments (from_user_id, to_user_id, item_id, rating, date, comment) VALUES (?,?,?,?,?,?)")) {
            int id = 0;
            int pending = 0;
            for (Population.Category k : p.categories()) {
                for (int n = 0; n < k.activeItems(); n++) {
                    id++;
                    pending += item(active, bids, comments, ratings, id, k.id(), false);
                    pending = flush(pending, active, bids, comments);
                }
            }
            // closed auctions take the ids after the open ones, so that new items never collide with them
            for (int n = 0; n < p.oldItems(); n++) {
                id++;
                pending += item(old, bids, comments, ratings, id, 1 + n % p.categories().size(), true);
                pending = flush(pending, old, bids, comments);
            }
            flushNow(pending, active, old, bids, comments);
        }
        try (var s = c.createStatement()) {
            // identity columns continue after the loaded ids
            s.execute("ALTER TABLE items ALTER COLUMN id RESTART WITH " + (p.activeItems() + p.oldItems() + 1));
        }
    }

    private int item(PreparedStatement items, PreparedStatement bids, PreparedStatement comments, int[] ratings,
                     int id, int category, boolean closed) throws SQLException {
        int written = 1;
        double initial = 1 + random.nextInt(5000);
        boolean unique = random.nextInt(100) < 80;
        int quantity = unique ? 1 : 1 + random.nextInt(Population.MAX_QUANTITY);
        double reserve = random.nextInt(100) < 40 ? initial + random.nextInt(1000) : 0;
        double buyNow = random.nextInt(100) < 10 ? initial + reserve + random.nextInt(1000) : 0;
        int days = 1 + random.nextInt(7);
        Instant start = closed ? now.minus(Duration.ofDays(days + 1 + random.nextInt(30))) : now;
        Instant end = start.plus(Duration.ofDays(days));
        int seller = 1 + random.nextInt(p.users());
        int nbBids = closed ? 0 : random.nextInt(Population.MAX_BIDS_PER_ITEM);
        double maxBid = 0;
        double price = initial;
        for (int b = 0; b < nbBids; b++) {
            int step = 1 + random.nextInt(10);
            price += step;
            maxBid = price + step; // the bidder's ceiling, which RUBiS stores as the item's max_bid
            bids.setInt(1, 1 + random.nextInt(p.users()));
            bids.setInt(2, id);
            bids.setInt(3, 1 + random.nextInt(quantity));
            bids.setDouble(4, price);
            bids.setDouble(5, maxBid);
            bids.setTimestamp(6, Timestamp.from(start));
            bids.addBatch();
            written++;
        }
        items.setInt(1, id);
        items.setString(2, "RUBiS automatically generated item #" + id);
        items.setString(3, text(BLURB, 1 + random.nextInt(Population.DESCRIPTION_MAX_LENGTH)));
        items.setDouble(4, initial);
        items.setInt(5, quantity);
        items.setDouble(6, reserve);
        items.setDouble(7, buyNow);
        items.setInt(8, nbBids);
        items.setDouble(9, maxBid);
        items.setTimestamp(10, Timestamp.from(start));
        items.setTimestamp(11, Timestamp.from(end));
        items.setInt(12, seller);
        items.setInt(13, category);
        items.addBatch();

        int rating = RATINGS[random.nextInt(RATINGS.length)];
        ratings[seller] += rating;
        comments.setInt(1, 1 + random.nextInt(p.users()));
        comments.setInt(2, seller);
        comments.setInt(3, id);
        comments.setInt(4, rating);
        comments.setTimestamp(5, Timestamp.from(end));
        comments.setString(6, text(CannedComments.forRating(rating), 1 + random.nextInt(Population.COMMENT_MAX_LENGTH)));
        comments.addBatch();
        return written + 1;
    }

    private void users(int[] ratings) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("INSERT INTO users (id, firstname, lastname, nickname, password, email, rating, balance, creation_date, region) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            Timestamp created = Timestamp.from(now);
            int pending = 0;
            for (int i = 1; i <= p.users(); i++) {
                u.setInt(1, i);
                u.setString(2, "Great" + i);
                u.setString(3, "User" + i);
                u.setString(4, Population.nickname(i));
                u.setString(5, Population.password(i));
                u.setString(6, "Great" + i + ".User" + i + "@rubis.com");
                u.setInt(7, ratings[i]);
                u.setDouble(8, 0);
                u.setTimestamp(9, created);
                u.setInt(10, 1 + (i - 1) % p.regions().size());
                u.addBatch();
                pending = flush(pending + 1, u);
            }
            flushNow(pending, u);
        }
        try (var s = c.createStatement()) {
            s.execute("ALTER TABLE users ALTER COLUMN id RESTART WITH " + (p.users() + 1));
        }
    }

    private int flush(int pending, PreparedStatement... statements) throws SQLException {
        return pending < BATCH ? pending : flushNow(pending, statements);
    }

    private int flushNow(int pending, PreparedStatement... statements) throws SQLException {
        for (PreparedStatement s : statements) {
            s.executeBatch();
        }
        c.commit();
        rows += pending;
        progress.accept(rows);
        return 0;
    }

    /** {@code length} characters of {@code blurb} repeated, as RUBiS builds descriptions and comments. */
    static String text(String blurb, int length) {
        StringBuilder b = new StringBuilder(length);
        while (b.length() < length) {
            b.append(blurb, 0, Math.min(blurb.length(), length - b.length()));
        }
        return b.toString();
    }
}
