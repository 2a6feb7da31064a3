package dev.portaltoken.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.errors.ErrorRenderer;
import dev.portaltoken.http.HttpLimits;
import dev.portaltoken.http.Json;
import dev.portaltoken.metrics.Metrics;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.jersey.process.Inflector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The listener binds before it serves (so the public URL can name the port a PORT of 0 became), and
 * a connection made in between waits and is answered by the application, not turned away. A request
 * runs on the selector thread that read it only when the whole body has arrived and the server says it
 * is answered from memory; every other one on a request thread.
 */
class HttpListenerTest {
    @Test
    void aRequestMadeBeforeTheApplicationIsServedIsAnsweredByIt() throws Exception {
        try (HttpListener listener = HttpListener.bind("127.0.0.1", 0, 2, HttpLimits.DEFAULT, new Drain(),
                new ErrorRenderer(Json.mapper()));
             Socket early = new Socket("127.0.0.1", listener.uri().getPort())) {
            assertNotEquals(0, listener.uri().getPort(), "the bound port is known before serving");
            early.setSoTimeout(30_000);
            OutputStream out = early.getOutputStream();
            out.write("GET /hello HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            Resource.Builder builder = Resource.builder("hello");
            builder.addMethod("GET").produces("text/plain").handledBy(request -> "served");
            Resource hello = builder.build();
            listener.serve(new ResourceConfig().registerResources(hello), request -> false, new Metrics());

            InputStream in = early.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.endsWith("served"), answer);
        }
    }

    @Test
    void onlyRequestsAnsweredFromMemoryWithTheirWholeBodyRunOnTheSelectorThread() throws Exception {
        Predicate<Request> fromMemory = request -> request.getRequestURI().startsWith("/thread/memory");
        try (Metrics metrics = new Metrics();
             HttpListener listener = HttpListener.bind("127.0.0.1", 0, 2, HttpLimits.DEFAULT, new Drain(),
                     new ErrorRenderer(Json.mapper()))) {
            Resource.Builder builder = Resource.builder("thread/{name}");
            Inflector<ContainerRequestContext, String> threadName = new Inflector<>() { // typed: a lambda's would read the body
                @Override
                public String apply(ContainerRequestContext request) {
                    return Thread.currentThread().getName();
                }
            };
            builder.addMethod("GET").produces("text/plain").handledBy(threadName);
            builder.addMethod("POST").produces("text/plain").handledBy(threadName);
            listener.serve(new ResourceConfig().registerResources(builder.build()), fromMemory, metrics);

            assertThread("SelectorRunner", answer(listener, "GET /thread/memory", "", false));
            assertThread("SelectorRunner", answer(listener, "POST /thread/memory", "{}", false));
            assertThread("http-worker", answer(listener, "GET /thread/database", "", false));
            assertThread("http-worker", answer(listener, "POST /thread/memory", "{\"a\":1}", true)); // body still arriving
            assertEquals(2.0, metrics.requestThreads("selector").count());
            assertEquals(2.0, metrics.requestThreads("worker").count());
        }
    }

    private static void assertThread(String expected, String threadName) {
        assertTrue(threadName.contains(expected), "expected a thread named like " + expected + ", ran on " + threadName);
    }

    /** The body of the answer to {@code requestLine}; {@code split}: the body sent 300 ms after the head. */
    private static String answer(HttpListener listener, String requestLine, String body, boolean split) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", listener.uri().getPort())) {
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            String head = body.isEmpty() ? "" : "Content-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n";
            String request = requestLine + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n" + head + "\r\n";
            if (split) { // two segments, apart: the head is parsed before the body arrives
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(300);
                out.write(body.getBytes(StandardCharsets.US_ASCII));
            } else { // one write: head and body arrive together (two writes may arrive apart)
                out.write((request + body).getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            return answer.substring(answer.indexOf("\r\n\r\n") + 4);
        }
    }
}
