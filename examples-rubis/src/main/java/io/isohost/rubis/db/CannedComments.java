package io.isohost.rubis.db;

/** Comment texts that match their rating, as RUBiS's generator picks them. */
final class CannedComments {
    private CannedComments() {
    }

    static String forRating(int rating) {
        return switch (rating) {
            case -5 -> "Terrible seller: the item never arrived and nobody answered my mails. Avoid. ";
            case -3 -> "The item was not as described and shipping took weeks. ";
            case 0 -> "An ordinary transaction, nothing special to report. ";
            case 3 -> "Good seller, the item arrived as described. ";
            default -> "Excellent seller! Fast shipping and a perfect item. Highly recommended. ";
        };
    }
}
