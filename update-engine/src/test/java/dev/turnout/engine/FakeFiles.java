package dev.turnout.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A file server in memory: each URL ending in a served name gets its bytes, with ranges; any
 * other URL is a 404. Told to, it cuts the next transfer after some bytes; requests are recorded.
 */
public final class FakeFiles implements PayloadSource {
  /** One request: the URL and the byte it asked from. */
  public record Request(String url, long from) {}

  private final Map<String, byte[]> files = new HashMap<>();
  private final List<Long> cuts = new ArrayList<>();
  public final List<Request> requests = new ArrayList<>();
  public long bytesServed;

  public synchronized FakeFiles serve(String name, byte[] bytes) {
    files.put(name, bytes.clone());
    return this;
  }

  public synchronized FakeFiles cutAfter(long bytes) {
    cuts.add(bytes);
    return this;
  }

  @Override
  public synchronized Body open(String url, long from, long end) throws IOException {
    requests.add(new Request(url, from));
    byte[] b = files.get(url.substring(url.lastIndexOf('/') + 1));
    if (b == null) {
      throw new HttpStatusException(404, "HTTP 404 for " + url);
    }
    int stop = end < 0 ? b.length : (int) Math.min(end, b.length);
    int length = Math.max(0, stop - (int) from);
    if (!cuts.isEmpty()) {
      length = (int) Math.min(length, cuts.remove(0));
    }
    bytesServed += length;
    return Body.of(new ByteArrayInputStream(b, (int) from, length), true, () -> { });
  }
}
