package dev.portaltoken.bench;

import java.nio.charset.StandardCharsets;

/** Reads one HTTP/1.1 response at the start of a buffer: its length once complete, its status, its Connection. */
final class HttpResponse {
    int status;
    boolean close;

    /** The length of the complete response in {@code bytes[0, limit)}, or -1 while incomplete. */
    int parse(byte[] bytes, int limit) {
        int headerEnd = indexOf(bytes, 0, limit);
        if (headerEnd < 0 || limit < 12) {
            return -1;
        }
        status = (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
        int connection = header(bytes, headerEnd, CONNECTION);
        close = connection >= 0 && startsWith(bytes, skipSpaces(bytes, connection), CLOSE);
        int body = headerEnd + 4;
        int length = header(bytes, headerEnd, CONTENT_LENGTH);
        if (length >= 0) {
            int n = 0;
            for (int i = skipSpaces(bytes, length); bytes[i] >= '0' && bytes[i] <= '9'; i++) {
                n = n * 10 + bytes[i] - '0';
            }
            return limit >= body + n ? body + n : -1;
        }
        if (header(bytes, headerEnd, TRANSFER_ENCODING) < 0) {
            return status == 204 || status == 304 ? body : -1;
        }
        int pos = body;
        while (true) {
            int lineEnd = crlf(bytes, pos, limit);
            if (lineEnd < 0) {
                return -1;
            }
            int chunk = 0;
            for (int i = pos; i < lineEnd && Character.digit(bytes[i], 16) >= 0; i++) {
                chunk = chunk * 16 + Character.digit(bytes[i], 16);
            }
            pos = lineEnd + 2 + chunk + 2;
            if (chunk == 0) {
                return limit >= pos ? pos : -1;
            }
            if (pos > limit) {
                return -1;
            }
        }
    }

    private static final byte[] CONNECTION = "\r\nconnection:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "\r\ntransfer-encoding:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "close".getBytes(StandardCharsets.US_ASCII);

    /** Where the value of the header {@code name} ({@code \r\nname:}, lower case) starts, or -1. */
    private static int header(byte[] b, int headerEnd, byte[] name) {
        for (int i = 0; i + name.length <= headerEnd + 2; i++) {
            if (startsWith(b, i, name)) {
                return i + name.length;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int at, byte[] lower) {
        for (int k = 0; k < lower.length; k++) {
            int x = b[at + k];
            if ((x >= 'A' && x <= 'Z' ? x + 32 : x) != lower[k]) {
                return false;
            }
        }
        return true;
    }

    private static int skipSpaces(byte[] b, int i) {
        while (b[i] == ' ' || b[i] == '\t') {
            i++;
        }
        return i;
    }

    private static int indexOf(byte[] b, int from, int limit) {
        for (int i = from; i + 3 < limit; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int crlf(byte[] b, int from, int limit) {
        for (int i = from; i + 1 < limit; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
