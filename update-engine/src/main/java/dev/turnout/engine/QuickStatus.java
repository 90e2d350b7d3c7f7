package dev.turnout.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * {@code GetStatus} in one round trip of the D-Bus wire protocol, for {@code -status}: a client
 * started by scripts and coordinators every few seconds, whose start dbus-java's connection set-up
 * (transports, threads, proxies) would triple. Only a {@code unix:path=} bus, EXTERNAL
 * authentication, {@code Hello}, one call and its {@code (xdssx)} reply; anything else is an
 * {@link IOException}, and the caller falls back to dbus-java, which the tests hold this against.
 */
final class QuickStatus {
  /** How long one {@code -status} waits for the bus and the daemon (activation included). */
  static final long ANSWER_MILLIS = 8_000;

  /** Nobody answered within {@link #ANSWER_MILLIS}: said in one line, not tried again. */
  static final class NoAnswer extends IOException {
    private static final long serialVersionUID = 1L;

    NoAnswer(String message) {
      super(message);
    }
  }

  private static final byte METHOD_CALL = 1;
  private static final byte METHOD_RETURN = 2;
  private static final byte ERROR = 3;

  private final SocketChannel ch;
  private final ByteBuffer in = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
  private int serial;

  private QuickStatus(SocketChannel ch) {
    this.ch = ch;
    in.limit(0);
  }

  /** The daemon's status over the bus at {@code address} ({@code unix:path=...}). */
  static Manager.Status<Long, Double, String, String, Long> get(String address) throws IOException {
    if (address == null || !address.startsWith("unix:path=") || address.contains(",")) {
      throw new IOException("not a plain unix:path= address");
    }
    Path socket = Path.of(address.substring("unix:path=".length()));
    java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      // Bounded: a bus that never answers, a name owner that never replies, an activation that
      // never ends: the socket is closed and the caller says so in one line.
      Thread watchdog = new Thread(() -> {
        try {
          Thread.sleep(ANSWER_MILLIS);
          late.set(true);
          ch.close();
        } catch (InterruptedException | IOException e) {
          // done in time
        }
      }, "quick-status-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      try {
        ch.connect(UnixDomainSocketAddress.of(socket));
        QuickStatus q = new QuickStatus(ch);
        q.authenticate();
        q.call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello");
        Message reply = q.call(Manager.BUS_NAME, Manager.OBJECT_PATH,
            "com.coreos.update1.Manager", "GetStatus");
        if (!"xdssx".equals(reply.signature)) {
          throw new IOException("GetStatus answered with signature \"" + reply.signature
              + "\", not xdssx");
        }
        ByteBuffer body = reply.body;
        long checked = align(body, 8).getLong();
        double progress = align(body, 8).getDouble();
        String op = string(body);
        String version = string(body);
        long size = align(body, 8).getLong();
        return new Manager.Status<>(checked, progress, op, version, size);
      } catch (IOException e) {
        if (late.get()) {
          throw new NoAnswer("update_engine did not answer within " + ANSWER_MILLIS / 1000
              + " s on " + address);
        }
        throw e;
      } catch (RuntimeException e) { // a reply shorter or stranger than its signature says
        throw new IOException("a malformed GetStatus reply: " + e, e);
      } finally {
        watchdog.interrupt();
      }
    }
  }

  private void authenticate() throws IOException {
    String uid = Long.toString(new com.sun.security.auth.module.UnixSystem().getUid());
    write(ByteBuffer.wrap(("\0AUTH EXTERNAL " + HexFormat.of().formatHex(
        uid.getBytes(StandardCharsets.US_ASCII)) + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    String line = readLine();
    if (!line.startsWith("OK ")) {
      throw new IOException("authentication refused: " + line);
    }
    write(ByteBuffer.wrap("BEGIN\r\n".getBytes(StandardCharsets.US_ASCII)));
  }

  /** Sends a call without arguments; returns its reply, the body positioned at 0. */
  private Message call(String destination, String path, String iface, String member)
      throws IOException {
    ByteBuffer h = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    h.put((byte) 'l').put(METHOD_CALL).put((byte) 0).put((byte) 1).putInt(0).putInt(++serial);
    int lengthAt = h.position();
    h.putInt(0);
    int start = h.position();
    field(h, 1, 'o', path);
    field(h, 6, 's', destination);
    field(h, 2, 's', iface);
    field(h, 3, 's', member);
    h.putInt(lengthAt, h.position() - start);
    while (h.position() % 8 != 0) {
      h.put((byte) 0);
    }
    h.flip();
    write(h);
    while (true) {
      Message m = readMessage();
      if (m.replySerial == serial && (m.type == METHOD_RETURN || m.type == ERROR)) {
        if (m.type == ERROR) {
          throw new IOException(member + " answered an error");
        }
        return m;
      }
    }
  }

  private static void field(ByteBuffer h, int code, char type, String value) {
    while (h.position() % 8 != 0) {
      h.put((byte) 0);
    }
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    h.put((byte) code).put((byte) 1).put((byte) type).put((byte) 0).putInt(v.length).put(v)
        .put((byte) 0);
  }

  private record Message(byte type, int replySerial, String signature, ByteBuffer body) {}

  private Message readMessage() throws IOException {
    ByteBuffer fixed = readFully(16);
    if (fixed.get(0) != 'l') {
      throw new IOException("a big-endian message");
    }
    byte type = fixed.get(1);
    int bodyLength = fixed.getInt(4);
    int fieldsLength = fixed.getInt(12);
    int padded = (fieldsLength + 7) & ~7;
    if (bodyLength < 0 || fieldsLength < 0 || bodyLength + padded > 1 << 20) {
      throw new IOException("a message too large");
    }
    ByteBuffer fields = readFully(padded);
    int replySerial = -1;
    String signature = "";
    while (fields.position() < fieldsLength) {
      align(fields, 8);
      byte code = fields.get();
      int sigLength = fields.get() & 0xff;
      String sig = new String(fields.array(), fields.position(), sigLength,
          StandardCharsets.US_ASCII);
      fields.position(fields.position() + sigLength + 1);
      switch (sig) {
        case "u" -> {
          int v = align(fields, 4).getInt();
          if (code == 5) {
            replySerial = v;
          }
        }
        case "s", "o" -> {
          int n = align(fields, 4).getInt();
          fields.position(fields.position() + n + 1);
        }
        case "g" -> {
          int n = fields.get() & 0xff;
          if (code == 8) {
            signature = new String(fields.array(), fields.position(), n,
                StandardCharsets.US_ASCII);
          }
          fields.position(fields.position() + n + 1);
        }
        default -> throw new IOException("an unexpected header field type " + sig);
      }
    }
    return new Message(type, replySerial, signature, readFully(bodyLength));
  }

  private static ByteBuffer align(ByteBuffer b, int n) {
    b.position((b.position() + n - 1) / n * n);
    return b;
  }

  private static String string(ByteBuffer b) {
    int n = align(b, 4).getInt();
    String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n + 1);
    return s;
  }

  private ByteBuffer readFully(int n) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    while (out.hasRemaining()) {
      if (!in.hasRemaining()) {
        in.clear();
        if (ch.read(in) < 0) {
          throw new IOException("the bus closed the connection");
        }
        in.flip();
      }
      int k = Math.min(out.remaining(), in.remaining());
      out.put(out.position(), in, in.position(), k);
      out.position(out.position() + k);
      in.position(in.position() + k);
    }
    return out.flip();
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      byte b = readFully(1).get();
      if (b == '\n') {
        return line.toString(StandardCharsets.US_ASCII).strip();
      }
      line.write(b);
    }
  }

  private void write(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
