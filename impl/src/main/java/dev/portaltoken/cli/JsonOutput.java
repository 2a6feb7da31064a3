package dev.portaltoken.cli;

import dev.portaltoken.db.ReadSnapshot;
import javax.sql.DataSource;
import picocli.CommandLine.Option;

/**
 * The {@code --json} option of the list commands, and how they print: rows read in one read
 * snapshot and written as they arrive, as aligned columns or one JSON array.
 */
final class JsonOutput {
    @Option(names = "--json", description = "One JSON array of objects, nothing else.")
    boolean json;

    /** Gives a listing's rows to a sink, reading in {@code snapshot}; may be asked twice (same rows). */
    @FunctionalInterface
    interface Rows {
        void rows(ReadSnapshot snapshot, Listing.Sink sink);
    }

    void print(Cli.Context context, DataSource dataSource, Rows rows, String... columns) {
        try (ReadSnapshot snapshot = ReadSnapshot.open(dataSource)) {
            new Listing(columns).print(context.out(), json, sink -> rows.rows(snapshot, sink));
        }
    }
}
