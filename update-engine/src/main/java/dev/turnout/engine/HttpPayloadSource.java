package dev.turnout.engine;

import java.io.IOException;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** {@link PayloadSource} over the daemon's one OkHttp client, with {@code Range} for resumes. */
final class HttpPayloadSource implements PayloadSource {
  private final Supplier<OkHttpClient> http;

  /** Over the client {@code http} gives at each request ({@link OnDemandHttpClient}). */
  private final java.util.concurrent.atomic.LongAdder received =
      new java.util.concurrent.atomic.LongAdder();

  /** Payload and extension bytes received since this source was made. */
  public long bytesReceived() {
    return received.sum();
  }

  public HttpPayloadSource(Supplier<OkHttpClient> http) {
    this.http = http;
  }

  @Override
  public Body open(String url, long from, long end) throws IOException {
    Request.Builder req;
    try {
      req = new Request.Builder().url(url);
    } catch (IllegalArgumentException e) {
      throw new IOException("not a usable URL: " + Redacted.url(url));
    }
    if (from > 0 || end >= 0) {
      req.header("Range", "bytes=" + from + "-" + (end >= 0 ? Long.toString(end - 1) : ""));
    }
    Response r = http.get().newCall(req.build()).execute();
    if (!r.isSuccessful()) {
      r.close();
      throw new HttpStatusException(r.code(), "HTTP " + r.code() + " for " + Redacted.url(url));
    }
    return Body.of(new java.io.FilterInputStream(r.body().byteStream()) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          received.increment();
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          received.add(n);
        }
        return n;
      }
    }, from == 0 || r.code() == 206, r::close);
  }
}
