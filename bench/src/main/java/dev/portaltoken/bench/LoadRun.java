package dev.portaltoken.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The connections and counters of one {@link HttpLoad} run; its I/O thread is the caller of {@link #loop}.
 * Not thread-safe but where stated: {@link #due} is called by the pacing thread, under each connection's lock.
 */
final class LoadRun implements AutoCloseable {
    static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);
    private final InetSocketAddress address;
    private final List<byte[]> requests;

    /** One connection: its channel, what it reads, and the requests due on it. */
    static final class Conn {
        SocketChannel channel;
        SelectionKey key;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        int next;
        boolean inFlight;
        long intended;
        long[] backlog = new long[64];
        int backlogHead;
        int backlogSize;

        void push(long due) {
            if (backlogSize == backlog.length) {
                long[] grown = new long[backlog.length * 2];
                for (int i = 0; i < backlogSize; i++) {
                    grown[i] = backlog[(backlogHead + i) % backlog.length];
                }
                backlog = grown;
                backlogHead = 0;
            }
            backlog[(backlogHead + backlogSize++) % backlog.length] = due;
        }

        long pop() {
            long due = backlog[backlogHead];
            backlogHead = (backlogHead + 1) % backlog.length;
            backlogSize--;
            return due;
        }
    }

    final Selector selector = Selector.open();
    final List<Conn> conns = new ArrayList<>();
    final Histogram latency = new Histogram(MAX_NANOS, 3);
    final Histogram sendLag = new org.HdrHistogram.ConcurrentHistogram(MAX_NANOS, 3);
    final HttpResponse response = new HttpResponse();
    volatile boolean scheduled;
    long measureFrom = Long.MAX_VALUE;
    long measureTo = Long.MAX_VALUE;
    long answered;
    final java.util.concurrent.atomic.AtomicLong errors = new java.util.concurrent.atomic.AtomicLong();
    boolean closedLoop;
    long[] perSecond;
    long origin;

    LoadRun(InetSocketAddress address, List<byte[]> requests, int connections) throws IOException {
        this.address = address;
        this.requests = requests;
        for (int i = 0; i < connections; i++) {
            Conn c = new Conn();
            c.next = (int) ((long) i * requests.size() / connections);
            connect(c);
            conns.add(c);
        }
    }

    private void connect(Conn c) throws IOException {
        SocketChannel channel = SocketChannel.open(address);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        c.channel = channel;
        c.in.clear();
        c.key = channel.register(selector, SelectionKey.OP_READ, c);
    }

    /** A request of {@code c} is due: sent now if the connection is free, else when its answer arrives. */
    void due(Conn c, long due) {
        synchronized (c) {
            if (c.inFlight || c.backlogSize > 0) {
                c.push(due);
            } else {
                send(c, due);
            }
        }
    }

    /** Sends the next request on {@code c}; the caller holds {@code c}'s lock. */
    void send(Conn c, long intended) {
        byte[] request = requests.get(c.next);
        c.next = (c.next + 1) % requests.size();
        c.intended = intended;
        c.inFlight = true;
        ByteBuffer out = ByteBuffer.wrap(request);
        try {
            while (out.hasRemaining()) {
                if (c.channel.write(out) == 0) {
                    Thread.onSpinWait();
                }
            }
        } catch (IOException e) {
            errors.incrementAndGet();
            c.inFlight = false;
            reconnect(c);
            return;
        }
    }

    private void reconnect(Conn c) {
        try {
            c.key.cancel();
            c.channel.close();
            connect(c);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reconnect to " + address, e);
        }
    }

    boolean idle() {
        for (Conn c : conns) {
            synchronized (c) {
                if (c.inFlight || c.backlogSize > 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Reads answers until {@code done}; this thread is the only reader of every connection. */
    void loop(java.util.function.BooleanSupplier done) throws IOException {
        while (!done.getAsBoolean()) {
            selector.select(10);
            for (SelectionKey key : selector.selectedKeys()) {
                read((Conn) key.attachment());
            }
            selector.selectedKeys().clear();
        }
    }

    private void read(Conn c) {
        int n;
        try {
            n = c.channel.read(c.in);
        } catch (IOException e) {
            n = -1;
        }
        int length = n < 0 ? -1 : response.parse(c.in.array(), c.in.position());
        if (length < 0 && n >= 0) {
            return;
        }
        long now = System.nanoTime();
        synchronized (c) {
            if (n < 0 || length < 0) { // closed by the server: an error if an answer was awaited
                if (c.inFlight) {
                    errors.incrementAndGet();
                    c.inFlight = false;
                }
                reconnect(c);
            } else {
                c.in.clear();
                c.inFlight = false;
                if (response.status >= 400) {
                    errors.incrementAndGet();
                }
                if (closedLoop) {
                    int second = (int) ((now - origin) / 1_000_000_000L);
                    if (second < perSecond.length) {
                        perSecond[second]++;
                    }
                } else if (c.intended >= measureFrom && c.intended < measureTo) {
                    latency.recordValue(Math.min(MAX_NANOS, now - c.intended));
                    answered++;
                }
                if (response.close) {
                    reconnect(c);
                }
            }
            if (closedLoop) {
                send(c, now);
            } else if (c.backlogSize > 0) {
                send(c, c.pop());
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (Conn c : conns) {
            c.channel.close();
        }
        selector.close();
    }
}
