package dev.portaltoken.server;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.errors.ErrorRenderer;
import dev.portaltoken.http.HttpLimits;
import dev.portaltoken.http.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The listener binds before it serves (so the public URL can name the port a PORT of 0 became), and
 * a connection made in between waits and is answered by the application, not turned away.
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
            listener.serve(new ResourceConfig().registerResources(hello));

            InputStream in = early.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.endsWith("served"), answer);
        }
    }
}
