package dev.portaltoken.keys;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A value that is loaded at some point and may be replaced, atomically, afterwards; asked for
 * before it is loaded, it is an {@link IllegalStateException} with the message given. Thread-safe.
 */
final class Loaded<T> {
    private final AtomicReference<T> value = new AtomicReference<>();
    private final String notYet;

    /** @param notYet the message of the exception when the value is asked for before it is loaded */
    Loaded(String notYet) {
        this.notYet = notYet;
    }

    /** Loads or replaces the value. */
    void set(T loaded) {
        value.set(loaded);
    }

    /** The value, empty while none is loaded. */
    Optional<T> current() {
        return Optional.ofNullable(value.get());
    }

    /** @throws IllegalStateException while none is loaded */
    T get() {
        T loaded = value.get();
        if (loaded == null) {
            throw new IllegalStateException(notYet);
        }
        return loaded;
    }
}
