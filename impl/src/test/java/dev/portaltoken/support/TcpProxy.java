package dev.portaltoken.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on the loopback interface in front of a local port, that can stop forwarding chosen
 * connections without closing them: the half-open connection a NAT or load balancer leaves behind
 * when it drops an idle flow. A connection is chosen by a marker in what its client sent (for
 * PostgreSQL, the {@code application_name} in the startup packet). Stalled connections swallow what
 * either side sends, so neither side notices anything but silence.
 */
public final class TcpProxy implements AutoCloseable {
    private static final int SEEN_BYTES = 4096;

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile String stalledMarker;

    public TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** From now on, every connection whose client sent {@code marker}, open or new, stops forwarding. */
    public void stopForwarding(String marker) {
        stalledMarker = marker;
        links.forEach(Link::checkMarker);
    }

    /** New connections forward again; those already stalled stay stalled (as after a NAT dropped them). */
    public void forwardAgain() {
        stalledMarker = null;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                // Relayed as it comes: Nagle's wait for an ACK would add a delayed ACK's 40 ms to a reply.
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Link link = new Link(client, upstream);
                links.add(link);
                link.start();
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection closed
            }
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        links.forEach(Link::close);
    }

    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private final StringBuffer seen = new StringBuffer();
        private volatile boolean stalled;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() throws IOException {
            pump(client.getInputStream(), upstream.getOutputStream(), true);
            pump(upstream.getInputStream(), client.getOutputStream(), false);
        }

        void checkMarker() {
            String marker = stalledMarker;
            if (marker != null && seen.indexOf(marker) >= 0) {
                stalled = true;
            }
        }

        private void pump(InputStream in, OutputStream out, boolean fromClient) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        if (fromClient && seen.length() < SEEN_BYTES) {
                            seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                            checkMarker();
                        }
                        if (!stalled) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    }
                } catch (IOException e) {
                    // a side closed
                }
                if (!stalled) {
                    close(); // pass a close on; a stalled link never does
                }
            }, "tcp-proxy-pump");
            thread.setDaemon(true);
            thread.start();
        }

        void close() {
            try {
                client.close();
            } catch (IOException e) {
                // closing anyway
            }
            try {
                upstream.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
