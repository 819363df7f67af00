package io.lifeboat.storage.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a random loopback port in front of an HTTP server (typically {@link
 * S3ProxyServer#endpoint()}) that injects the faults an S3 client meets in the wild: {@code 500
 * InternalError}, {@code 503 SlowDown} and requests that never get an answer.
 *
 * <p>For each accepted connection it reads the head of the first request (up to the blank line) and
 * picks, with a seeded {@link Random} and the probabilities set by {@link #faults}, one {@link Action}:
 *
 * <ul>
 *   <li>{@link Action#FORWARD}: connects to the target, sends the head on and relays both directions
 *       byte for byte until either side closes. The {@code Host} header is left as the client sent it
 *       (the proxy's address), since the SigV4 signature covers it and the server checks it against the
 *       Host it receives. Only a {@code Connection: close} header is put in the head (the header is not
 *       signed), so that the server closes the connection after its answer and every request arrives on
 *       a new connection and gets its own decision: with kept-alive connections the client would soon
 *       send everything over a few healthy ones.
 *   <li>{@link Action#INTERNAL_ERROR} and {@link Action#SLOW_DOWN}: answers {@code 500 Internal Server
 *       Error} or {@code 503 Slow Down} with an S3 XML error body ({@code InternalError}, {@code
 *       SlowDown}; none to a HEAD request) and {@code Connection: close} at once, whatever request body
 *       is still to come, then closes. Before closing it discards what arrives for up to a second, until
 *       the client closes, since closing with unread bytes would reset the connection and could lose
 *       the answer.
 *   <li>{@link Action#HANG}: never answers; discards whatever the client sends until it closes the
 *       connection (its timeout) or {@link #HANG_LIMIT_MILLIS} pass.
 * </ul>
 *
 * <p>Counts every decision ({@link #count}). Threads are daemons; {@link #close()} closes every socket.
 */
public final class FaultyHttpProxy implements AutoCloseable {
    /** What the proxy does with a request. */
    public enum Action {
        FORWARD,
        INTERNAL_ERROR,
        SLOW_DOWN,
        HANG
    }

    /** The longest a hanging request is held before the proxy closes it. */
    public static final int HANG_LIMIT_MILLIS = 5_000;

    private final java.util.ArrayDeque<Action> scripted = new java.util.ArrayDeque<>(); // guarded by this

    private static final int MAX_HEAD = 64 * 1024;
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Random random;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Map<Action, AtomicLong> counts = new EnumMap<>(Action.class);
    private volatile boolean closed;
    private double p500;
    private double p503;
    private double pHang;

    private FaultyHttpProxy(URI target, long seed) throws IOException {
        this.target = new InetSocketAddress(target.getHost(), target.getPort());
        this.random = new Random(seed);
        for (Action a : Action.values()) counts.put(a, new AtomicLong());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "faulty-http-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a proxy to {@code target} ({@code http://host:port}) that forwards everything until {@link #faults} is called. */
    public static FaultyHttpProxy start(URI target, long seed) throws IOException {
        return new FaultyHttpProxy(target, seed);
    }

    /** The proxy's address, to use as the client's endpoint. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Sets the probability of each fault for the requests to come; the rest is forwarded. */
    public synchronized FaultyHttpProxy faults(double p500, double p503, double pHang) {
        if (p500 < 0 || p503 < 0 || pHang < 0 || p500 + p503 + pHang > 1) {
            throw new IllegalArgumentException("fault probabilities must be >= 0 and add up to at most 1");
        }
        this.p500 = p500;
        this.p503 = p503;
        this.pHang = pHang;
        return this;
    }

    /** How many requests got {@code action} so far. */
    public long count(Action action) {
        return counts.get(action).get();
    }

    /** The counts of all actions so far. */
    public Map<Action, Long> counts() {
        Map<Action, Long> out = new EnumMap<>(Action.class);
        counts.forEach((a, n) -> out.put(a, n.get()));
        return out;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) closeQuietly(s);
    }

    @Override
    public String toString() {
        return "FaultyHttpProxy[" + endpoint() + " -> " + target + ", " + counts() + "]";
    }

    /** The next requests get {@code actions}, one each, in order; then the random draw resumes. */
    public synchronized FaultyHttpProxy script(Action... actions) {
        scripted.addAll(java.util.List.of(actions));
        return this;
    }

    private synchronized Action decide() {
        if (!scripted.isEmpty()) {
            Action next = scripted.removeFirst();
            counts.get(next).incrementAndGet();
            return next;
        }
        double x = random.nextDouble();
        Action action = x < p500
                ? Action.INTERNAL_ERROR
                : x < p500 + p503 ? Action.SLOW_DOWN : x < p500 + p503 + pHang ? Action.HANG : Action.FORWARD;
        counts.get(action).incrementAndGet();
        return action;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                track(client);
                daemon("faulty-http-proxy-conn", () -> handle(client));
            } catch (IOException e) {
                if (!closed) throw new IllegalStateException("proxy accept failed", e);
            }
        }
    }

    private void handle(Socket client) {
        try {
            InputStream in = new BufferedInputStream(client.getInputStream());
            byte[] head = readHead(in);
            if (head == null) return;
            switch (decide()) {
                case FORWARD -> forward(client, in, head);
                case INTERNAL_ERROR -> error(client, in, head, "500 Internal Server Error", "InternalError");
                case SLOW_DOWN -> error(client, in, head, "503 Slow Down", "SlowDown");
                case HANG -> drain(client, in, HANG_LIMIT_MILLIS);
            }
        } catch (IOException e) {
            // A side went away: nothing to do but close.
        } finally {
            release(client);
        }
    }

    /** The request head including its blank line, or null when the client closed before sending one. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < END_OF_HEAD.length) {
            int b = in.read();
            if (b < 0 || head.size() >= MAX_HEAD) return null;
            head.write(b);
            matched = b == END_OF_HEAD[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toByteArray();
    }

    private void forward(Socket client, InputStream in, byte[] head) throws IOException {
        Socket upstream = track(new Socket());
        try {
            upstream.connect(target, 5_000);
            OutputStream toUpstream = upstream.getOutputStream();
            toUpstream.write(withConnectionClose(head));
            toUpstream.flush();
            Thread back = daemon("faulty-http-proxy-back", () -> {
                try {
                    upstream.getInputStream().transferTo(client.getOutputStream());
                } catch (IOException e) {
                    // either side closed
                } finally {
                    release(upstream);
                    closeQuietly(client);
                }
            });
            try {
                in.transferTo(toUpstream);
            } catch (IOException e) {
                // either side closed
            }
            closeQuietly(upstream);
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release(upstream);
        }
    }

    /** The head with any {@code Connection} header replaced by {@code Connection: close}. */
    private static byte[] withConnectionClose(byte[] head) {
        String text = new String(head, ISO_8859_1);
        StringBuilder out = new StringBuilder();
        for (String line : text.substring(0, text.length() - 4).split("\r\n", -1)) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("connection:"))
                out.append(line).append("\r\n");
        }
        return out.append("Connection: close\r\n\r\n").toString().getBytes(ISO_8859_1);
    }

    /** Answers with an S3 error; as S3 does, without the body to a HEAD request. */
    private static void error(Socket client, InputStream in, byte[] request, String status, String code)
            throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code
                        + "</Code><Message>injected</Message></Error>")
                .getBytes(UTF_8);
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(head.getBytes(ISO_8859_1));
        if (!new String(request, ISO_8859_1).startsWith("HEAD ")) out.write(body);
        out.flush();
        client.shutdownOutput();
        // Closing with unread bytes would reset the connection, and the client might lose the answer.
        drain(client, in, 1_000);
    }

    /** Reads and discards until the client closes or {@code millis} pass without its closing. */
    private static void drain(Socket client, InputStream in, int millis) throws IOException {
        client.setSoTimeout(millis);
        long deadline = System.nanoTime() + millis * 1_000_000L;
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0 && System.nanoTime() < deadline) {
                // discard
            }
        } catch (SocketTimeoutException e) {
            // the client kept the connection open; give up on it
        }
    }

    private Socket track(Socket s) {
        sockets.add(s);
        if (closed) closeQuietly(s);
        return s;
    }

    private void release(Socket s) {
        closeQuietly(s);
        sockets.remove(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
