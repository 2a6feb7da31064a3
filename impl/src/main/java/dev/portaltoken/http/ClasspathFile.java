package dev.portaltoken.http;

import dev.portaltoken.errors.ApiException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.util.Map;

/**
 * A file the server serves from its own jar, with its media type. Its existence is checked when it
 * is declared (a missing file stops start-up); its bytes are streamed from the class path per request,
 * so large ones (Swagger UI) take no heap. Immutable.
 *
 * @param location class-path resource name, e.g. {@code web/portal/portal.js}
 */
record ClasspathFile(String location, String mediaType) {
    static final String HTML = "text/html; charset=utf-8";
    static final String JAVASCRIPT = "text/javascript; charset=utf-8";
    static final String CSS = "text/css; charset=utf-8";
    static final String PNG = "image/png";
    static final String YAML = "application/yaml; charset=utf-8";

    /** @throws IllegalStateException when the jar has no such file */
    ClasspathFile {
        if (ClasspathFile.class.getClassLoader().getResource(location) == null) {
            throw new IllegalStateException("missing from the class path: " + location);
        }
    }

    /** A 200 answer streaming the file (opened only when the body is written: not for HEAD). */
    Response.ResponseBuilder ok() {
        StreamingOutput body = out -> {
            try (InputStream in = ClasspathFile.class.getClassLoader().getResourceAsStream(location)) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, mediaType);
    }

    /** The named file of {@code files} as a 200 answer, or 404 for a name not among them. */
    static Response serve(Map<String, ClasspathFile> files, String name) {
        ClasspathFile file = files.get(name);
        if (file == null) {
            throw ApiException.notFound("no such file");
        }
        return file.ok().build();
    }
}
