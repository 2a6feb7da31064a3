package dev.portaltoken.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the tests accept as the one answer to one raw request. */
class RawResponseTest {
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";

    private static Http.Reply parse(String response) {
        return RawResponse.parse(response.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    @Test
    void oneAnswerWithItsBodyParses() {
        Http.Reply reply = parse(OK);
        assertEquals(200, reply.status());
        assertEquals("{}", reply.body());
        assertEquals("application/json", reply.header("Content-Type"));
    }

    @Test
    void interimAnswersAreSkippedAndChunkedBodiesWithTrailersRead() {
        Http.Reply reply = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1\r\n{\r\n1;ext=1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n");
        assertEquals("{}", reply.body());
    }

    @Test
    void bytesAfterTheAnswerFail() {
        AssertionError twice = assertThrows(AssertionError.class, () -> parse(OK + OK));
        assertTrue(twice.getMessage().contains("followed by " + OK.length() + " more bytes"), twice.getMessage());
        assertThrows(AssertionError.class, () -> parse(OK + "x"));
        assertThrows(AssertionError.class, () -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\n{}\r\n0\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
        assertThrows(AssertionError.class, () -> RawResponse.parse(
                "HTTP/1.1 204 No Content\r\n\r\n{}".getBytes(StandardCharsets.ISO_8859_1), false));
    }

    @Test
    void missingOrIncompleteAnswersFail() {
        assertTrue(assertThrows(AssertionError.class, () -> parse("")).getMessage().contains("without answering"));
        assertThrows(AssertionError.class, () -> parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}"));
        assertThrows(AssertionError.class, () -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n"));
        assertThrows(AssertionError.class, () -> parse("SSH-2.0-OpenSSH\r\n\r\n"));
    }
}
