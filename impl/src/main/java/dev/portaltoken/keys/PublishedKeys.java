package dev.portaltoken.keys;

import java.util.List;
import java.util.Set;

/**
 * The keys to publish (every active key, then every retiring one not yet past its date), and the
 * kids of those stored at least the publish delay ago. Both are read in one statement and decided
 * by the database's clock, the one every instance shares (a host clock ahead of it would let a new
 * key sign before every instance publishes it). Immutable.
 */
record PublishedKeys(List<StoredKey> keys, Set<String> settledKids) {
}
