package dev.portaltoken.contract;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.model.ChangedOpenApi;
import org.openapitools.openapidiff.core.output.ConsoleRender;

/**
 * The backward-compatibility gate: OpenAPITools' openapi-diff compares a newer contract with an older
 * one and judges whether every client written for the older one keeps working (no endpoint, parameter,
 * response status or response property removed or narrowed, no request made stricter). Stateless.
 */
public final class Compatibility {
    private Compatibility() {
    }

    /**
     * openapi-diff's judgement.
     *
     * @param compatible false when a client of the older contract may break against the newer one
     * @param changes    openapi-diff's own account of every change (its console rendering)
     */
    public record Verdict(boolean compatible, String changes) {
    }

    /** Compares two documents on disk (relative {@code $ref}s resolve beside each). */
    public static Verdict check(Path older, Path newer) {
        ChangedOpenApi diff = OpenApiCompare.fromLocations(older.toUri().toString(), newer.toUri().toString());
        ByteArrayOutputStream rendered = new ByteArrayOutputStream();
        try (OutputStreamWriter writer = new OutputStreamWriter(rendered, StandardCharsets.UTF_8)) {
            new ConsoleRender().render(diff, writer);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Verdict(!diff.isIncompatible(), rendered.toString(StandardCharsets.UTF_8));
    }
}
