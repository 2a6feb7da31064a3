package dev.portaltoken.token;

import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.Base62;
import java.util.List;

/**
 * Where a portal link opens, in the query parameters upstream Meteroid's portal page reads: a page of
 * the full portal ({@code page}, and {@code sub} for one subscription's page) or a chromeless widget
 * ({@code embed}, and {@code subscription} for the single-subscription widget). Immutable.
 *
 * @param page         a full-portal page ({@link #PAGES}), null for the portal's default
 * @param embed        a widget ({@link #EMBED_VIEWS}), null for the full portal
 * @param subscription a {@code sub_} id of upstream's, null for none
 */
public record PortalView(String page, String embed, String subscription) {
    /** The full portal's pages: upstream's PORTAL_TABS ({@code web-app/pages/portal/experience/context.ts}). */
    public static final List<String> PAGES = List.of("overview", "subscriptions", "usage", "invoices", "settings");
    /** The widgets: upstream's EmbedView ({@code web/packages/embed/src/types.ts}). */
    public static final List<String> EMBED_VIEWS = List.of("portal", "plan", "subscriptions", "subscription", "usage",
            "invoices", "payment-methods");
    /** The link as it always was: the portal's default page. */
    public static final PortalView DEFAULT = new PortalView(null, null, null);
    private static final String SUBSCRIPTIONS = "subscriptions";
    private static final String SUBSCRIPTION_PREFIX = "sub_";

    /**
     * Checks each value and how they combine.
     *
     * @throws Failure INVALID naming the field: a value upstream's portal does not know, {@code page}
     *                 with {@code embed}, a subscription with a page or widget that shows none, or the
     *                 {@code subscription} widget without one
     */
    public PortalView {
        if (page != null && !PAGES.contains(page)) {
            throw Failure.invalid("page must be one of " + String.join(", ", PAGES) + ", or null");
        }
        if (embed != null && !EMBED_VIEWS.contains(embed)) {
            throw Failure.invalid("embed must be one of " + String.join(", ", EMBED_VIEWS) + ", or null");
        }
        if (page != null && embed != null) {
            throw Failure.invalid("embed cannot be given with page: a link opens either the full portal or a widget");
        }
        if (subscription != null && !isSubscriptionId(subscription)) {
            throw Failure.invalid("subscription must be a Meteroid subscription id (sub_ and base62), or null");
        }
        if (subscription != null && page != null && !page.equals(SUBSCRIPTIONS)) {
            throw Failure.invalid("subscription is shown on page subscriptions, not on page " + page);
        }
        if (subscription != null && embed != null && !embed.equals("subscription")) {
            throw Failure.invalid("subscription is shown by embed subscription, not by embed " + embed);
        }
        if (subscription == null && "subscription".equals(embed)) {
            throw Failure.invalid("subscription is required by embed subscription (the widget of one subscription)");
        }
    }

    private static boolean isSubscriptionId(String id) {
        return id.startsWith(SUBSCRIPTION_PREFIX) && id.length() > SUBSCRIPTION_PREFIX.length()
                && Base62.decode(id, SUBSCRIPTION_PREFIX.length()).isPresent();
    }

    /** The parameters after the token, each {@code &name=value} (no value needs encoding); empty by default. */
    String query() {
        StringBuilder query = new StringBuilder();
        if (embed != null) {
            query.append("&embed=").append(embed);
            if (subscription != null) {
                query.append("&subscription=").append(subscription);
            }
        } else if (subscription != null) {
            query.append("&page=").append(SUBSCRIPTIONS).append("&sub=").append(subscription);
        } else if (page != null) {
            query.append("&page=").append(page);
        }
        return query.toString();
    }
}
