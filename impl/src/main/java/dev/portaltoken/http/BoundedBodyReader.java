package dev.portaltoken.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.errors.ApiException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * A request body reader for one generated request type that reads at most {@code maxBodyBytes}
 * (a larger body is a 400 without being read whole) and hands the bytes to {@link #parse}, which
 * answers every malformation with a 400 naming it. Thread-safe when {@link #parse} is.
 */
abstract class BoundedBodyReader<T> implements MessageBodyReader<T> {
    final ObjectMapper mapper;
    private final Class<T> type;
    private final int maxBodyBytes;

    BoundedBodyReader(Class<T> type, ObjectMapper mapper, int maxBodyBytes) {
        this.type = type;
        this.mapper = mapper;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The request, from the whole body (at most {@code maxBodyBytes}); null for none. */
    abstract T parse(byte[] bytes, MediaType mediaType);

    @Override
    public final boolean isReadable(Class<?> candidate, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return candidate == type;
    }

    @Override
    public final T readFrom(Class<T> ignored, Type genericType, Annotation[] annotations, MediaType mediaType,
                            MultivaluedMap<String, String> headers, InputStream body) {
        byte[] bytes;
        try {
            bytes = body.readNBytes(maxBodyBytes + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("request body was not received completely");
        }
        if (bytes.length > maxBodyBytes) {
            throw ApiException.badRequest("request body is larger than " + maxBodyBytes + " bytes");
        }
        return parse(bytes, mediaType);
    }

    /**
     * The body as JSON (null for none), every way it cannot be read a 400 naming it.
     */
    final JsonNode tree(byte[] bytes) {
        try {
            return mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw ApiException.badRequest("request body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw ApiException.badRequest("request body could not be read");
        } catch (NumberFormatException | ArithmeticException e) {
            // Jackson reads big numbers eagerly; an exponent beyond int range fails outside its own exceptions.
            throw ApiException.badRequest("request body has a number that cannot be read (exponent too large)");
        }
    }

    /** What kind of JSON value {@code node} is, for messages: "a string", "an array", ... */
    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
