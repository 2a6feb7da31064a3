package dev.portaltoken.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Parses the bytes a server sent on a raw connection into an {@link Http.Reply}. */
final class RawResponse {
    private RawResponse() {
    }

    /**
     * @param headRequest the request was a HEAD: the answer has no body whatever its headers say
     * @throws AssertionError when the bytes are no complete HTTP/1.x response (including none at all),
     *                        or when bytes follow it: one request was sent, so one answer may come
     *                        (a second one would be a response-splitting or request-smuggling bug)
     */
    static Http.Reply parse(byte[] bytes, boolean headRequest) {
        int start = 0;
        while (true) {
            int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            if (end < 0) {
                throw new AssertionError(bytes.length == start ? "the server closed the connection without answering"
                        : "no complete HTTP response head: " + Redact.shown(new String(bytes, start, bytes.length - start,
                        StandardCharsets.ISO_8859_1), 300));
            }
            String head = new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
                throw new AssertionError("not an HTTP/1.x status line: " + Redact.shown(lines[0], 200));
            }
            int status = Integer.parseInt(statusLine[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim(), (a, b) -> a + "," + b);
                }
            }
            int bodyStart = end + 4;
            if (status >= 100 && status < 200) {
                start = bodyStart; // an interim answer such as 100 Continue; the final one follows
                continue;
            }
            boolean noBody = headRequest || status == 204 || status == 304;
            Body body = noBody ? new Body("", bodyStart) : body(bytes, bodyStart, headers);
            if (body.end() < bytes.length) {
                throw new AssertionError("HTTP " + status + " is followed by " + (bytes.length - body.end())
                        + " more bytes on the connection: " + Redact.shown(new String(bytes, body.end(),
                        bytes.length - body.end(), StandardCharsets.ISO_8859_1), 300));
            }
            return new Http.Reply(status, headers, body.text());
        }
    }

    /** A response body and the offset just past it. */
    private record Body(String text, int end) {
    }

    private static Body body(byte[] bytes, int from, Map<String, String> headers) {
        String transferEncoding = headers.getOrDefault("transfer-encoding", "");
        if (transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = from;
            while (true) {
                int lineEnd = indexOf(bytes, "\r\n".getBytes(StandardCharsets.ISO_8859_1), at);
                if (lineEnd < 0) {
                    throw new AssertionError("truncated chunked body");
                }
                String sizeLine = new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1);
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                at = lineEnd + 2;
                if (size == 0) {
                    return new Body(out.toString(StandardCharsets.UTF_8), afterTrailers(bytes, at));
                }
                if (at + size > bytes.length) {
                    throw new AssertionError("truncated chunked body");
                }
                out.write(bytes, at, size);
                at += size + 2;
            }
        }
        String contentLength = headers.get("content-length");
        int available = bytes.length - from;
        if (contentLength != null) {
            int length = Integer.parseInt(contentLength.split(",")[0].trim());
            if (length > available) {
                throw new AssertionError("truncated body: Content-Length " + length + ", received " + available);
            }
            return new Body(new String(bytes, from, length, StandardCharsets.UTF_8), from + length);
        }
        return new Body(new String(bytes, from, available, StandardCharsets.UTF_8), bytes.length);
    }

    /** The offset past the trailer section that ends a chunked body (header lines, then an empty line). */
    private static int afterTrailers(byte[] bytes, int at) {
        while (true) {
            int lineEnd = indexOf(bytes, "\r\n".getBytes(StandardCharsets.ISO_8859_1), at);
            if (lineEnd < 0) {
                throw new AssertionError("a chunked body without its final empty line");
            }
            if (lineEnd == at) {
                return at + 2;
            }
            at = lineEnd + 2;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
