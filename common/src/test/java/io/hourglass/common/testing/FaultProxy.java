package io.hourglass.common.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 forwarder on 127.0.0.1 in front of an S3-compatible server (loopback only) that answers a
 * share of the requests itself with an S3 error ({@code 503 SlowDown}, one in four, or {@code 500 InternalError})
 * instead of forwarding them, as a throttling or failing S3 endpoint does. A faulted request never
 * reaches the server, so it has no side effect; the connection is closed after it.
 *
 * <p>Deterministic for a seed: the n-th request to arrive gets the n-th draw of {@code new Random(seed)}
 * (which request is n-th depends on the client's threads, the sequence of decisions does not).
 * Bounded: a plan injects at most {@code maxFaults} faults and only for {@code window} after it is set;
 * every socket read times out after 30 s.
 */
public final class FaultProxy implements AutoCloseable {
  /** An S3 error answer. */
  public record Fault(int status, String reason, String code, String message) {}

  public static final Fault SLOW_DOWN = new Fault(503, "Slow Down", "SlowDown", "Please reduce your request rate.");
  public static final Fault INTERNAL_ERROR = new Fault(500, "Internal Server Error", "InternalError",
      "We encountered an internal error. Please try again.");

  private static final int READ_TIMEOUT_MS = 30_000;
  private static final int MAX_HEAD_BYTES = 64 * 1024;
  private static final byte[] CRLF = {'\r', '\n'};

  private final ServerSocket server;
  private final int upstreamPort;
  private final ExecutorService connections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Random random;
  private final AtomicInteger threads = new AtomicInteger();
  private volatile boolean closed;

  // The plan and the counters, guarded by this.
  private double rate;
  private long skipFirst;
  private long maxFaults;
  private long planEndsAtNanos;
  private long requests;
  private long planRequests;
  private long faults;
  private long forwarded;

  private FaultProxy(ServerSocket server, int upstreamPort, long seed) {
    this.server = server;
    this.upstreamPort = upstreamPort;
    this.random = new Random(seed);
    this.connections = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fault-proxy-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts forwarding 127.0.0.1:(a free port) to 127.0.0.1:{@code upstreamPort}, injecting nothing yet. */
  public static FaultProxy start(int upstreamPort, long seed) {
    try {
      ServerSocket server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      FaultProxy proxy = new FaultProxy(server, upstreamPort, seed);
      Thread acceptor = new Thread(proxy::acceptLoop, "fault-proxy-accept");
      acceptor.setDaemon(true);
      acceptor.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  /**
   * From now on, after letting {@code skipFirst} requests through, answers each request with a fault
   * with probability {@code rate}, until {@code maxFaults} faults were injected or {@code window} is over.
   */
  public synchronized void inject(double rate, long skipFirst, long maxFaults, Duration window) {
    if (rate < 0 || rate > 1 || skipFirst < 0 || maxFaults < 0 || window.isNegative()) {
      throw new IllegalArgumentException("A fault plan needs 0 <= rate <= 1 and non-negative bounds, cannot be: rate " + rate
          + ", skip " + skipFirst + ", max " + maxFaults + ", window " + window);
    }
    this.rate = rate;
    this.skipFirst = skipFirst;
    this.maxFaults = maxFaults;
    this.planEndsAtNanos = System.nanoTime() + window.toNanos();
    this.planRequests = 0;
    this.faults = 0;
  }

  /** Forwards every request from now on. */
  public synchronized void heal() {
    this.rate = 0;
    this.maxFaults = 0;
  }

  /** Requests seen since the proxy started. */
  public synchronized long requests() {
    return requests;
  }

  /** Requests forwarded to the server since the proxy started. */
  public synchronized long forwarded() {
    return forwarded;
  }

  /** Faults injected under the current plan. */
  public synchronized long faults() {
    return faults;
  }

  private synchronized Fault decide() {
    requests++;
    planRequests++;
    if (planRequests <= skipFirst || faults >= maxFaults || System.nanoTime() > planEndsAtNanos || rate == 0) {
      forwarded++;
      return null;
    }
    double draw = random.nextDouble();
    // One fault in four is a throttle: the AWS SDK backs off from those for longer (500 ms base, not 100 ms).
    boolean slowDown = random.nextInt(4) == 0;
    if (draw >= rate) {
      forwarded++;
      return null;
    }
    faults++;
    return slowDown ? SLOW_DOWN : INTERNAL_ERROR;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        open.add(client);
        connections.execute(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("[fault-proxy] accept failed: " + e);
        }
        return;
      }
    }
  }

  /** One client connection: requests one after another (HTTP/1.1 keep-alive), each forwarded or faulted. */
  private void serve(Socket client) {
    Socket upstream = null;
    try {
      client.setSoTimeout(READ_TIMEOUT_MS);
      InputStream fromClient = client.getInputStream();
      OutputStream toClient = client.getOutputStream();
      InputStream fromServer = null;
      OutputStream toServer = null;
      for (int n = 0; n < 100_000 && !closed; n++) {
        Head request;
        try {
          request = Head.read(fromClient);
        } catch (SocketTimeoutException idle) {
          return; // a kept-alive connection idle for 30 s: close it, as servers do
        }
        if (request == null) {
          return; // the client closed its connection
        }
        Fault fault = decide();
        if (fault != null) {
          answer(toClient, request, fault);
          return; // closes the connection: the request's body, if any, is never read
        }
        if (upstream == null) {
          upstream = new Socket();
          upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5_000);
          upstream.setSoTimeout(READ_TIMEOUT_MS);
          open.add(upstream);
          fromServer = upstream.getInputStream();
          toServer = upstream.getOutputStream();
        }
        toServer.write(request.raw());
        toServer.flush();
        Head response;
        if (request.expectsContinue()) {
          response = Head.read(fromServer);
          if (response == null) {
            return;
          }
          if (response.status() != 100) {
            relay(response, request, fromServer, toClient);
            return; // the client may or may not send its body now: start afresh on a new connection
          }
          toClient.write(response.raw());
          toClient.flush();
        }
        copyBody(request, fromClient, toServer);
        toServer.flush();
        do {
          response = Head.read(fromServer);
          if (response == null) {
            return;
          }
          if (response.status() >= 100 && response.status() < 200) {
            toClient.write(response.raw()); // an interim answer: pass it on, the final one follows
            toClient.flush();
          }
        } while (response.status() >= 100 && response.status() < 200);
        if (!relay(response, request, fromServer, toClient)) {
          return;
        }
      }
    } catch (SocketException | EOFException e) {
      // a side closed the connection (the client after an error of its own, or close())
    } catch (IOException e) {
      if (!closed) {
        System.err.println("[fault-proxy] connection dropped mid-request: " + e);
      }
    } finally {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  /** Passes a final response and its body to the client; false when the connection must close after it. */
  private static boolean relay(Head response, Head request, InputStream fromServer, OutputStream toClient) throws IOException {
    toClient.write(response.raw());
    boolean noBody = request.method().equals("HEAD") || response.status() == 204 || response.status() == 304;
    boolean keepAlive = !response.closes() && !request.closes();
    if (!noBody) {
      if (response.chunked()) {
        copyChunked(fromServer, toClient);
      } else if (response.contentLength() >= 0) {
        copyExactly(fromServer, toClient, response.contentLength());
      } else {
        fromServer.transferTo(toClient); // delimited by the server closing the connection
        keepAlive = false;
      }
    }
    toClient.flush();
    return keepAlive;
  }

  private static void copyBody(Head request, InputStream in, OutputStream out) throws IOException {
    if (request.chunked()) {
      copyChunked(in, out);
    } else if (request.contentLength() > 0) {
      copyExactly(in, out, request.contentLength());
    }
  }

  private static void answer(OutputStream toClient, Head request, Fault fault) throws IOException {
    String id = Long.toHexString(System.nanoTime()).toUpperCase(Locale.ROOT);
    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + fault.code() + "</Code><Message>"
        + fault.message() + "</Message><RequestId>" + id + "</RequestId><HostId>fault-proxy</HostId></Error>")
        .getBytes(StandardCharsets.UTF_8);
    boolean head = request.method().equals("HEAD");
    String headers = "HTTP/1.1 " + fault.status() + " " + fault.reason() + "\r\n"
        + "Content-Type: application/xml\r\n"
        + "Content-Length: " + (head ? 0 : body.length) + "\r\n"
        + "x-amz-request-id: " + id + "\r\n"
        + "Connection: close\r\n\r\n";
    toClient.write(headers.getBytes(StandardCharsets.US_ASCII));
    if (!head) {
      toClient.write(body);
    }
    toClient.flush();
  }

  private static void copyExactly(InputStream in, OutputStream out, long n) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        throw new EOFException("connection closed with " + left + " of " + n + " body bytes to go");
      }
      out.write(buf, 0, r);
      left -= r;
    }
  }

  private static void copyChunked(InputStream in, OutputStream out) throws IOException {
    for (int chunks = 0; chunks < 10_000_000; chunks++) {
      String sizeLine = readLine(in);
      out.write(sizeLine.getBytes(StandardCharsets.US_ASCII));
      out.write(CRLF);
      int semicolon = sizeLine.indexOf(';');
      long size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
      if (size == 0) {
        // trailers, up to an empty line
        for (int t = 0; t < 1000; t++) {
          String trailer = readLine(in);
          out.write(trailer.getBytes(StandardCharsets.US_ASCII));
          out.write(CRLF);
          if (trailer.isEmpty()) {
            return;
          }
        }
        throw new IOException("too many chunked trailers");
      }
      copyExactly(in, out, size + 2); // the chunk and its CRLF
    }
    throw new IOException("too many chunks");
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int i = 0; i < MAX_HEAD_BYTES; i++) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed mid-line");
      }
      if (b == '\n') {
        String s = line.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
    throw new IOException("line longer than " + MAX_HEAD_BYTES + " bytes");
  }

  /** A request or response head: its bytes exactly as received, and what framing it announces. */
  record Head(byte[] raw, String firstLine, List<String> headers) {
    /** Reads a head up to its empty line; null when the connection closed before its first byte. */
    static Head read(InputStream in) throws IOException {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          if (raw.size() == 0) {
            return null;
          }
          throw new EOFException("connection closed inside a message head");
        }
        raw.write(b);
        if (raw.size() > MAX_HEAD_BYTES) {
          throw new IOException("message head longer than " + MAX_HEAD_BYTES + " bytes");
        }
        matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1
            : (b == '\r' ? 1 : 0);
      }
      String[] lines = raw.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      List<String> headers = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        if (!lines[i].isEmpty()) {
          headers.add(lines[i]);
        }
      }
      return new Head(raw.toByteArray(), lines[0], headers);
    }

    String header(String name) {
      for (String h : headers) {
        int colon = h.indexOf(':');
        if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return h.substring(colon + 1).trim();
        }
      }
      return null;
    }

    String method() {
      return firstLine.split(" ", 2)[0].toUpperCase(Locale.ROOT);
    }

    int status() {
      String[] parts = firstLine.split(" ", 3);
      return parts.length > 1 && firstLine.startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
    }

    long contentLength() {
      String v = header("Content-Length");
      return v == null ? -1 : Long.parseLong(v);
    }

    boolean chunked() {
      String v = header("Transfer-Encoding");
      return v != null && v.toLowerCase(Locale.ROOT).contains("chunked");
    }

    boolean expectsContinue() {
      String v = header("Expect");
      return v != null && v.equalsIgnoreCase("100-continue");
    }

    boolean closes() {
      String v = header("Connection");
      return v != null && v.equalsIgnoreCase("close");
    }
  }

  private void closeQuietly(Socket s) {
    if (s == null) {
      return;
    }
    open.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : List.copyOf(open)) {
      closeQuietly(s);
    }
    connections.shutdownNow();
    try {
      connections.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
