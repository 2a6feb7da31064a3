package dev.portaltoken.http;

import dev.portaltoken.customer.CustomerImporter;
import dev.portaltoken.errors.ApiException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The body of a customer import as it streams in: its format (from the Content-Type), cut off with
 * a 400 past {@code maxBytes}, and the SHA-256 of the bytes read so far (the request's identity for
 * an {@code Idempotency-Key}, known once the body has been read). Not thread-safe: one request's.
 */
final class ImportBody extends FilterInputStream {
    static final MediaType CSV = new MediaType("text", "csv");
    static final MediaType NDJSON = new MediaType("application", "x-ndjson");

    private final CustomerImporter.Format format;
    private final long maxBytes;
    private final MessageDigest sha256;
    private long read;
    private IOException failure;

    private ImportBody(InputStream body, CustomerImporter.Format format, long maxBytes) {
        super(body);
        this.format = format;
        this.maxBytes = maxBytes;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The import body {@link BodyReader} gave the resource. */
    static ImportBody of(InputStream body) {
        if (body instanceof ImportBody importBody) {
            return importBody;
        }
        throw ApiException.badRequest("Content-Type must be text/csv or application/x-ndjson");
    }

    CustomerImporter.Format format() {
        return format;
    }

    /**
     * The body as UTF-8 text; a malformed byte sequence fails the read. Once a read has failed, every
     * later one fails the same way (a decoder is not to be called again after its error).
     */
    java.io.Reader reader() {
        InputStreamReader decoded = new InputStreamReader(this, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        return new java.io.Reader() {
            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                try {
                    return decoded.read(buffer, offset, length);
                } catch (IOException e) {
                    failure = e;
                    throw e;
                }
            }

            @Override
            public void close() throws IOException {
                decoded.close();
            }
        };
    }

    /** Why reading the body failed (it was not UTF-8, or it did not arrive whole); null while it has not. */
    IOException failure() {
        return failure;
    }

    /** The SHA-256 of the body read so far (the whole body once it has been read to its end). */
    byte[] digest() {
        return sha256.digest();
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
            sha256.update((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            counted(n);
            sha256.update(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) {
        return 0; // every byte goes through the digest
    }

    private void counted(int n) {
        read += n;
        if (read > maxBytes) {
            throw ApiException.badRequest("request body is larger than " + maxBytes + " bytes (the limit of an import)");
        }
    }

    /** Gives the import operations their body as an {@link ImportBody}. Thread-safe. */
    static final class BodyReader implements MessageBodyReader<InputStream> {
        private final long maxBytes;

        BodyReader(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
            return type == InputStream.class && (CSV.isCompatible(mediaType) || NDJSON.isCompatible(mediaType));
        }

        @Override
        public InputStream readFrom(Class<InputStream> type, Type genericType, Annotation[] annotations,
                                    MediaType mediaType, MultivaluedMap<String, String> headers, InputStream body) {
            String charset = mediaType.getParameters().get(MediaType.CHARSET_PARAMETER);
            if (charset != null && !charset.equalsIgnoreCase("utf-8")) {
                throw ApiException.badRequest("an import is UTF-8 text; charset " + charset + " is not read");
            }
            return new ImportBody(body, CSV.isCompatible(mediaType) ? CustomerImporter.Format.CSV
                    : CustomerImporter.Format.NDJSON, maxBytes);
        }
    }
}
