package dev.turnout.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves one payload from memory for any URL, honouring ranges. Told to, it cuts the next
 * transfers after some bytes, or refuses connections; every request is recorded.
 */
public final class FakePayloadSource implements PayloadSource {
  /** One request: the URL and the range asked for ({@code end} -1: to the end). */
  public record Request(String url, long from, long end) {}

  private final byte[] payload;
  /** Other payloads, served for URLs containing their key. */
  private final java.util.Map<String, byte[]> others = new java.util.LinkedHashMap<>();
  public final List<Request> requests = new ArrayList<>();
  private final List<Long> cuts = new ArrayList<>();
  private int refusals;
  public long bytesServed;

  public FakePayloadSource(byte[] payload) {
    this.payload = payload.clone();
  }

  /** Serves {@code other} for URLs that contain {@code urlPart}, {@code payload} for the rest. */
  public synchronized FakePayloadSource also(String urlPart, byte[] other) {
    others.put(urlPart, other.clone());
    return this;
  }

  /** The next transfer ends after {@code bytes} bytes (as a dropped connection would). */
  public synchronized FakePayloadSource cutAfter(long bytes) {
    cuts.add(bytes);
    return this;
  }

  /** The next {@code n} requests fail to connect. */
  public synchronized FakePayloadSource refuse(int n) {
    refusals += n;
    return this;
  }

  @Override
  public synchronized Body open(String url, long from, long end) throws IOException {
    requests.add(new Request(url, from, end));
    if (refusals > 0) {
      refusals--;
      throw new java.net.ConnectException("connection refused (fake)");
    }
    byte[] payload = this.payload;
    for (var e : others.entrySet()) {
      if (url.contains(e.getKey())) {
        payload = e.getValue();
      }
    }
    int stop = end < 0 ? payload.length : (int) Math.min(end, payload.length);
    int length = Math.max(0, stop - (int) from);
    if (!cuts.isEmpty()) {
      length = (int) Math.min(length, cuts.remove(0));
    }
    bytesServed += length;
    return Body.of(new ByteArrayInputStream(payload, (int) from, length), true, () -> { });
  }
}
