package dev.turnout.labserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small, real Omaha server for air-gapped fleets, demos and tests. It answers update checks at
 * {@code /v1/update} (and {@code /v1/update/...}) for its channels with a Flatcar-shaped response,
 * {@code noupdate} when the client runs the channel's version or a newer one, and serves the payload
 * files at the codebase its responses name, with {@code Range} support. Every request is logged as
 * one JSON line.
 */
public final class LabServer implements AutoCloseable {
  private static final int MAX_REQUEST = 1 << 20;
  private static final Pattern PAYLOAD_PATH =
      Pattern.compile("/payloads/([A-Za-z0-9._-]+)/([A-Za-z0-9._+-]+)/([^/]+)");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private final Map<String, Channel> channels = new LinkedHashMap<>();
  private final RequestLog log;
  private final String baseUrl;
  private final HttpServer server;
  private final ExecutorService pool;
  private volatile long rateLimit;

  /**
   * @param baseUrl the URL clients reach this server at, for codebases; null to take the request's
   *     Host header
   */
  public LabServer(InetSocketAddress listen, List<Channel> channels, String baseUrl, RequestLog log)
      throws IOException {
    for (Channel c : channels) {
      if (this.channels.put(c.name(), c) != null) {
        throw new IllegalArgumentException("channel " + c.name() + " is given twice");
      }
    }
    this.log = log;
    this.baseUrl = baseUrl == null ? null : baseUrl.replaceAll("/+$", "");
    this.server = HttpServer.create(listen, 64);
    this.pool = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "lab-server");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext("/v1/update", this::omaha);
    server.createContext("/payloads/", this::payload);
    server.createContext("/", ex -> respond(ex, 404, "text/plain", "not found\n"));
  }

  /** Caps each download at {@code bytesPerSecond} (0: no cap), to spare a lab network. */
  public LabServer rateLimit(long bytesPerSecond) {
    this.rateLimit = bytesPerSecond;
    return this;
  }

  public LabServer start() {
    server.start();
    return this;
  }

  /** The bound address (the port, when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The Omaha URL to put in {@code SERVER=}. */
  public String updateUrl() {
    return "http://" + address().getHostString() + ":" + address().getPort() + "/v1/update/";
  }

  public RequestLog log() {
    return log;
  }

  private void omaha(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"POST".equals(ex.getRequestMethod())) {
        respond(ex, 405, "text/plain", "POST an Omaha request here\n");
        return;
      }
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(MAX_REQUEST + 1);
      }
      ObjectNode entry = log.entry("omaha");
      entry.put("remote", ex.getRemoteAddress().getAddress().getHostAddress());
      OmahaRequestView req;
      try {
        if (body.length > MAX_REQUEST) {
          throw new IllegalArgumentException("request larger than " + MAX_REQUEST + " bytes");
        }
        req = OmahaRequestView.parse(body);
      } catch (Exception e) {
        entry.put("error", "bad request: " + e.getMessage());
        log.write(entry);
        respond(ex, 400, "text/plain", "bad Omaha request\n");
        return;
      }
      describe(entry, req);
      Channel ch = channels.get(req.track());
      Channel update = null;
      if (req.updateCheck()) {
        if (ch == null) {
          entry.put("response", "noupdate");
          entry.put("warning", "unknown channel \"" + req.track() + "\"");
        } else if (Versions.compare(req.version(), ch.version()) < 0) {
          update = ch;
          entry.put("response", "update");
          entry.put("offered", ch.version());
        } else {
          entry.put("response", "noupdate");
        }
      }
      String codebase = update == null ? "" : base(ex) + "/payloads/" + update.name() + "/"
          + update.version() + "/";
      log.write(entry);
      respond(ex, 200, "text/xml", ResponseXml.build(req, update, codebase));
    }
  }

  private static void describe(ObjectNode entry, OmahaRequestView req) {
    entry.put("machineid", req.machineId());
    entry.put("bootid", req.bootId());
    entry.put("appid", req.appId());
    entry.put("track", req.track());
    entry.put("version", req.version());
    entry.put("installsource", req.installSource());
    entry.put("oem", req.oem());
    entry.put("ping", req.ping());
    entry.put("updatecheck", req.updateCheck());
    ArrayNode events = entry.putArray("events");
    for (OmahaRequestView.Event e : req.events()) {
      ObjectNode n = events.addObject();
      n.put("type", e.type());
      n.put("result", e.result());
      if (e.errorCode() != null) {
        n.put("errorcode", e.errorCode());
      }
      if (e.previousVersion() != null) {
        n.put("previousversion", e.previousVersion());
      }
    }
  }

  private String base(HttpExchange ex) {
    if (baseUrl != null) {
      return baseUrl;
    }
    String host = ex.getRequestHeaders().getFirst("Host");
    if (host == null || !host.matches("[A-Za-z0-9.:\\[\\]-]+")) {
      host = ex.getLocalAddress().getHostString() + ":" + ex.getLocalAddress().getPort();
    }
    return "http://" + host;
  }

  private void payload(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      ObjectNode entry = log.entry("download");
      entry.put("remote", ex.getRemoteAddress().getAddress().getHostAddress());
      entry.put("path", ex.getRequestURI().getPath());
      Matcher m = PAYLOAD_PATH.matcher(ex.getRequestURI().getPath());
      Channel ch = m.matches() ? channels.get(m.group(1)) : null;
      Channel.Served file = ch != null && ch.version().equals(m.group(2)) ? ch.file(m.group(3))
          : null;
      if (!("GET".equals(method) || "HEAD".equals(method)) || file == null) {
        entry.put("status", 404);
        log.write(entry);
        respond(ex, 404, "text/plain", "not found\n");
        return;
      }
      long size = file.size();
      long start = 0;
      long end = size - 1;
      int status = 200;
      String range = ex.getRequestHeaders().getFirst("Range");
      if (range != null) {
        entry.put("range", range);
        Matcher r = RANGE.matcher(range.strip());
        if (r.matches() && !(r.group(1).isEmpty() && r.group(2).isEmpty())) {
          if (r.group(1).isEmpty()) {
            start = Math.max(0, size - Long.parseLong(r.group(2)));
          } else {
            start = Long.parseLong(r.group(1));
            if (!r.group(2).isEmpty()) {
              end = Math.min(end, Long.parseLong(r.group(2)));
            }
          }
          if (start >= size || start > end) {
            entry.put("status", 416);
            log.write(entry);
            ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
            ex.sendResponseHeaders(416, -1);
            return;
          }
          status = 206;
          ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
      }
      long length = end - start + 1;
      entry.put("status", status);
      entry.put("bytes", length);
      log.write(entry);
      ex.getResponseHeaders().set("Content-Type", "application/gzip");
      ex.getResponseHeaders().set("Accept-Ranges", "bytes");
      if ("HEAD".equals(method)) {
        ex.getResponseHeaders().set("Content-Length", Long.toString(length));
        ex.sendResponseHeaders(status, -1);
        return;
      }
      ex.sendResponseHeaders(status, length);
      try (FileChannel fc = FileChannel.open(file.path()); OutputStream out = ex.getResponseBody()) {
        long pos = start;
        var sink = Channels.newChannel(out);
        long t0 = System.nanoTime();
        while (pos <= end) {
          long limit = rateLimit;
          long chunk = limit > 0 ? Math.max(1, limit / 10) : end - pos + 1;
          long n = fc.transferTo(pos, Math.min(chunk, end - pos + 1), sink);
          if (n <= 0) {
            break;
          }
          pos += n;
          if (limit > 0) {
            out.flush();
            long due = t0 + (long) ((pos - start) * 1e9 / limit);
            long wait = due - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
          }
        }
      } catch (IOException e) {
        // the client went away; nothing to do
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void respond(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
