package dev.turnout.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A misbehaving HTTP server on loopback, in front of the lab server: Omaha requests pass through
 * (or get a hostile body), and each payload download can be answered with a fault: an error status,
 * a connection reset after N bytes, a truncated body, a lying Content-Length, a drip below the
 * low-speed limit, a stall, an ignored Range, a redirect loop, or different bytes than announced.
 */
final class FaultServer implements AutoCloseable {
  enum Fault {
    NONE, STATUS_500, STATUS_503, STATUS_404, RESET_AFTER, TRUNCATE, LIE_LENGTH, DRIP, STALL,
    IGNORE_RANGE, REDIRECT_LOOP, WRONG_PAYLOAD
  }

  record Spec(Fault fault, long n) {}

  private final ServerSocket socket;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-server");
    t.setDaemon(true);
    return t;
  });
  private final Deque<Spec> downloadFaults = new ArrayDeque<>();
  private Spec always;
  private volatile String upstream;
  private volatile byte[] omahaOverride;
  private volatile Path wrongPayload;
  private volatile boolean closed;
  final List<String> log = new ArrayList<>();

  FaultServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    pool.execute(this::acceptLoop);
  }

  String base() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  String updateUrl() {
    return base() + "/v1/update/";
  }

  void upstream(String labBase) {
    this.upstream = labBase;
  }

  synchronized void next(Fault f, long n) {
    downloadFaults.add(new Spec(f, n));
  }

  synchronized void always(Fault f, long n) {
    always = new Spec(f, n);
  }

  void wrongPayload(Path p) {
    this.wrongPayload = p;
  }

  private volatile String holdOmaha;

  /**
   * Never answer an Omaha request whose body contains {@code text} (an event, say): the
   * connection is held open until the server closes.
   */
  void holdOmahaContaining(String text) {
    holdOmaha = text;
  }

  /** Answer every Omaha request with these bytes instead of the lab server's. */
  void omahaBody(byte[] body) {
    this.omahaOverride = body;
  }

  synchronized List<String> log() {
    return List.copyOf(log);
  }

  private synchronized Spec take() {
    Spec s = downloadFaults.poll();
    return s != null ? s : always != null ? always : new Spec(Fault.NONE, 0);
  }

  private synchronized void record(String line) {
    log.add(line);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = socket.accept();
        pool.execute(() -> handle(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      String head = readHead(in);
      if (head == null) {
        return;
      }
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        if (c > 0) {
          headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(c + 1).trim());
        }
      }
      byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
      String method = requestLine[0];
      String path = requestLine[1];
      OutputStream out = s.getOutputStream();
      if (path.startsWith("/v1/update")) {
        String hold = holdOmaha;
        if (hold != null && new String(body, java.nio.charset.StandardCharsets.UTF_8)
            .contains(hold)) {
          record("omaha held");
          while (!closed) {
            Thread.sleep(50);
          }
          return;
        }
        record("omaha " + method);
        byte[] answer = omahaOverride != null ? omahaOverride
            : forward(method, path, body, null).body;
        respond(out, 200, Map.of("Content-Type", "text/xml"), answer);
        return;
      }
      Spec spec = take();
      String range = headers.get("range");
      record(method + " " + path + " range=" + range + " fault=" + spec.fault());
      download(s, out, method, path, range, spec);
    } catch (IOException e) {
      // the client hung up; faults make that normal
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void download(Socket s, OutputStream out, String method, String path, String range,
      Spec spec) throws IOException, InterruptedException {
    switch (spec.fault()) {
      case STATUS_500 -> respond(out, 500, Map.of(), new byte[0]);
      case STATUS_503 -> respond(out, 503, Map.of(), new byte[0]);
      case STATUS_404 -> respond(out, 404, Map.of(), new byte[0]);
      case REDIRECT_LOOP -> respond(out, 302, Map.of("Location", base() + path), new byte[0]);
      case WRONG_PAYLOAD -> respond(out, 200, Map.of(), Files.readAllBytes(wrongPayload));
      case IGNORE_RANGE -> respond(out, 200, Map.of(), forward(method, path, null, null).body);
      default -> {
        Upstream up = forward(method, path, null, range);
        Map<String, String> h = new LinkedHashMap<>();
        if (up.contentRange != null) {
          h.put("Content-Range", up.contentRange);
        }
        byte[] b = up.body;
        switch (spec.fault()) {
          case RESET_AFTER -> {
            writeHead(out, up.status, h, b.length);
            out.write(b, 0, (int) Math.min(spec.n(), b.length));
            out.flush();
            s.setSoLinger(true, 0);
          }
          case TRUNCATE -> {
            writeHead(out, up.status, h, b.length);
            out.write(b, 0, b.length / 2);
            out.flush();
          }
          case LIE_LENGTH -> {
            writeHead(out, up.status, h, b.length + 1000);
            out.write(b);
            out.flush();
          }
          case DRIP -> {
            writeHead(out, up.status, h, b.length);
            for (int i = 0; i < b.length && !closed; i++) {
              out.write(b[i]);
              out.flush();
              Thread.sleep(500);
            }
          }
          case STALL -> {
            writeHead(out, up.status, h, b.length);
            out.flush();
            while (!closed && !s.isClosed()) {
              Thread.sleep(100);
              if (s.getInputStream().available() < 0) {
                break;
              }
            }
          }
          default -> respond(out, up.status, h, b);
        }
      }
    }
  }

  private record Upstream(int status, String contentRange, byte[] body) {}

  private Upstream forward(String method, String path, byte[] body, String range)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(upstream + path).toURL().openConnection();
    c.setRequestMethod(method);
    c.setInstanceFollowRedirects(false);
    if (range != null) {
      c.setRequestProperty("Range", range);
    }
    if (body != null && body.length > 0) {
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "text/xml");
      c.getOutputStream().write(body);
    }
    int status = c.getResponseCode();
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    byte[] b = in == null ? new byte[0] : in.readAllBytes();
    return new Upstream(status, c.getHeaderField("Content-Range"), b);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) ? state + 1
          : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        return b.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  private static void writeHead(OutputStream out, int status, Map<String, String> headers,
      long length) throws IOException {
    StringBuilder sb = new StringBuilder("HTTP/1.1 " + status + " X\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    sb.append("Content-Length: ").append(length).append("\r\nConnection: close\r\n\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void respond(OutputStream out, int status, Map<String, String> headers,
      byte[] body) throws IOException {
    writeHead(out, status, headers, body.length);
    out.write(body);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
    pool.shutdownNow();
  }
}
