package dev.portaltoken.token;

import java.util.UUID;
import java.util.concurrent.locks.StampedLock;

/**
 * A set of UUIDs, each with the second until which it is kept and, optionally, a {@code long}
 * value, in primitive arrays: an open-addressing hash table with linear probing. The id's two
 * halves sit side by side in one {@code long[]}, the expiry (unsigned epoch seconds, good until
 * 2106) in an {@code int[]}, the value in another {@code long[]}.
 *
 * <p>Memory: 20 bytes per slot without values, 28 with them. The table grows by a quarter when
 * four fifths of its slots are used and shrinks back when {@link #removeExpired} leaves fewer than
 * 64 percent used, so it stays 64 to 80 percent full: 25 to 31.25 bytes per id without values,
 * against about 90 per entry of a {@code ConcurrentHashMap<UUID, Instant>}.
 *
 * <p>Thread-safe. Reads take no lock in the common case (an optimistic read of a
 * {@link StampedLock}, retried under the read lock when a write ran meanwhile); writes are
 * serialized. The all-zero UUID is not allowed: it marks an empty slot (no UUID of version 1 to 8
 * is zero).
 */
final class IdTable {
    private static final int MIN_CAPACITY = 16;
    /** Grow beyond 80% full, by a quarter; shrink below 64% full (after removals) to 72%. */
    private static final double MAX_LOAD = 0.8;
    private static final double SHRINK_BELOW = 0.64;
    private static final double REBUILT_LOAD = 0.72;

    private final StampedLock lock = new StampedLock();
    private final boolean withValues;
    private volatile long[] keys;
    private volatile int[] expiries;
    private volatile long[] values;
    private int capacity;
    private volatile int size;

    /** @param withValues whether each id carries a {@code long} value */
    IdTable(boolean withValues) {
        this.withValues = withValues;
        allocate(MIN_CAPACITY);
    }

    /** True when {@code id} is in the table. */
    boolean contains(UUID id) {
        return read(id, false, 0) != 0;
    }

    /**
     * The value held for {@code id}, or {@code absent} when the table has no such id.
     *
     * @throws IllegalStateException for a table without values
     */
    long value(UUID id, long absent) {
        if (!withValues) {
            throw new IllegalStateException("this table holds no values");
        }
        return read(id, true, absent);
    }

    /** Whether the id is there (1 or 0), or its value; optimistic, retried under the read lock after a write. */
    private long read(UUID id, boolean wantValue, long absent) {
        long hi = id.getMostSignificantBits();
        long lo = id.getLeastSignificantBits();
        long stamp = lock.tryOptimisticRead();
        long[] held = values;
        int slot = indexOf(keys, hi, lo);
        long found = slot < 0 ? absent : !wantValue ? 1 : slot < held.length ? held[slot] : absent;
        if (lock.validate(stamp)) {
            return found;
        }
        stamp = lock.readLock();
        try {
            slot = indexOf(keys, hi, lo);
            return slot < 0 ? absent : wantValue ? values[slot] : 1;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Adds {@code id} until {@code expiresAtSeconds}, as {@link #put} without a value. */
    boolean add(UUID id, long expiresAtSeconds) {
        return put(id, expiresAtSeconds, 0);
    }

    /**
     * Adds {@code id} with {@code value} until {@code expiresAtSeconds}; for an id already there, the
     * larger value and the later expiry win. True when it was not there yet.
     */
    boolean put(UUID id, long expiresAtSeconds, long value) {
        long hi = id.getMostSignificantBits();
        long lo = id.getLeastSignificantBits();
        if (hi == 0 && lo == 0) {
            throw new IllegalArgumentException("the all-zero UUID marks an empty slot");
        }
        if (expiresAtSeconds < 0 || expiresAtSeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("an expiry outside 1970 to 2106: " + expiresAtSeconds);
        }
        long stamp = lock.writeLock();
        try {
            int slot = indexOf(keys, hi, lo);
            if (slot >= 0) {
                if (Integer.toUnsignedLong(expiries[slot]) < expiresAtSeconds) {
                    expiries[slot] = (int) expiresAtSeconds;
                }
                if (withValues && values[slot] < value) {
                    values[slot] = value;
                }
                return false;
            }
            if (size + 1 > capacity * MAX_LOAD) {
                rehash(Math.max(MIN_CAPACITY, capacity + capacity / 4));
            }
            insert(hi, lo, (int) expiresAtSeconds, value);
            size++;
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Removes every id whose expiry is at or before {@code nowSeconds}, and shrinks the table when
     * that left it sparse; returns how many it removed.
     */
    int removeExpired(long nowSeconds) {
        long stamp = lock.writeLock();
        try {
            int removed = 0;
            int slot = 0;
            while (slot < capacity) {
                int at = slot * 2;
                if ((keys[at] != 0 || keys[at + 1] != 0) && Integer.toUnsignedLong(expiries[slot]) <= nowSeconds) {
                    delete(slot);
                    removed++;
                    continue; // the slot may now hold an id moved back into it: look at it again
                }
                slot++;
            }
            size -= removed;
            if (capacity > MIN_CAPACITY && size < capacity * SHRINK_BELOW) {
                rehash(Math.max(MIN_CAPACITY, (int) Math.ceil(size / REBUILT_LOAD)));
            }
            return removed;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** How many ids it holds. */
    int size() {
        return size;
    }

    /** The bytes its arrays take now (for metrics: read without a lock). */
    long bytes() {
        return 8L * keys.length + 4L * expiries.length + 8L * values.length;
    }

    private void allocate(int slots) {
        capacity = slots;
        keys = new long[slots * 2];
        expiries = new int[slots];
        values = new long[withValues ? slots : 0];
    }

    private void rehash(int slots) {
        long[] oldKeys = keys;
        int[] oldExpiries = expiries;
        long[] oldValues = values;
        int oldCapacity = capacity;
        allocate(slots);
        for (int slot = 0; slot < oldCapacity; slot++) {
            int at = slot * 2;
            if (oldKeys[at] != 0 || oldKeys[at + 1] != 0) {
                insert(oldKeys[at], oldKeys[at + 1], oldExpiries[slot], withValues ? oldValues[slot] : 0);
            }
        }
    }

    /** Writes an absent id into the first free slot of its probe sequence. */
    private void insert(long hi, long lo, int expiry, long value) {
        int slot = home(hi, lo, capacity);
        while (keys[slot * 2] != 0 || keys[slot * 2 + 1] != 0) {
            slot = slot + 1 == capacity ? 0 : slot + 1;
        }
        write(slot, hi, lo, expiry, value);
    }

    private void write(int slot, long hi, long lo, int expiry, long value) {
        keys[slot * 2] = hi;
        keys[slot * 2 + 1] = lo;
        expiries[slot] = expiry;
        if (withValues) {
            values[slot] = value;
        }
    }

    /**
     * Empties {@code slot} by backward shifting: each later id of the same run whose probe sequence
     * starts at or before the emptied slot moves into it, so no lookup stops early at a gap.
     */
    private void delete(int slot) {
        int gap = slot;
        int next = gap;
        while (true) {
            next = next + 1 == capacity ? 0 : next + 1;
            long hi = keys[next * 2];
            long lo = keys[next * 2 + 1];
            if (hi == 0 && lo == 0) {
                break;
            }
            int home = home(hi, lo, capacity);
            boolean staysAfterGap = gap <= next ? gap < home && home <= next : gap < home || home <= next;
            if (staysAfterGap) {
                continue;
            }
            write(gap, hi, lo, expiries[next], withValues ? values[next] : 0);
            gap = next;
        }
        write(gap, 0, 0, 0, 0);
    }

    /** The slot holding the id, or -1; reads only {@code table}, so a stale one is harmless (the read is retried). */
    private static int indexOf(long[] table, long hi, long lo) {
        int slotCount = table.length / 2;
        int slot = home(hi, lo, slotCount);
        for (int probes = 0; probes < slotCount; probes++) {
            long slotHi = table[slot * 2];
            long slotLo = table[slot * 2 + 1];
            if (slotHi == hi && slotLo == lo) {
                return slot;
            }
            if (slotHi == 0 && slotLo == 0) {
                return -1;
            }
            slot = slot + 1 == slotCount ? 0 : slot + 1;
        }
        return -1;
    }

    /** Where the id's probe sequence starts: a mix of both halves, mapped onto the slots without division. */
    private static int home(long hi, long lo, int slotCount) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) (((h & 0xFFFF_FFFFL) * slotCount) >>> 32);
    }
}
