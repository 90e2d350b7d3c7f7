package dev.turnout.engine;

import java.io.IOException;
import java.util.function.LongSupplier;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Okio;

/**
 * The rules every request of the daemon follows, update checks and downloads alike, in one place:
 * no User-Agent (update_engine's libcurl sends none), at most {@code maxRedirects} redirects and
 * none that leaves https or http (a refused redirect is a {@link RedirectRefusedException}), and
 * curl's low-speed abort on every response body ({@link LowSpeedInputStream}).
 */
final class HttpPolicy {
  private HttpPolicy() {}

  static void install(OkHttpClient.Builder b, HttpSettings s, LongSupplier nanoTime) {
    b.followRedirects(true).followSslRedirects(false)
        .addInterceptor(chain -> police(chain, s, nanoTime))
        .addNetworkInterceptor(chain -> chain.proceed(
            chain.request().newBuilder().removeHeader("User-Agent").build()));
  }

  private static Response police(Interceptor.Chain chain, HttpSettings s, LongSupplier nanoTime)
      throws IOException {
    Response r = chain.proceed(chain.request());
    int redirects = 0;
    for (Response p = r.priorResponse(); p != null; p = p.priorResponse()) {
      redirects++;
    }
    if (redirects > s.maxRedirects()) {
      r.close();
      throw new RedirectRefusedException(r.code(), "more than " + s.maxRedirects() + " redirects");
    }
    if (r.isRedirect()) {
      // OkHttp hands back a redirect it would not follow: to another scheme, or to no URL at all.
      String to = r.header("Location", "");
      String from = r.request().url().scheme();
      r.close();
      throw new RedirectRefusedException(r.code(), "refusing to follow a redirect from " + from
          + " to " + Redacted.url(to) + " (no redirect may leave " + from + ")");
    }
    ResponseBody body = r.body();
    LowSpeedInputStream slow = new LowSpeedInputStream(body.byteStream(),
        s.lowSpeedBytesPerSecond(), s.lowSpeedTime().toNanos(), nanoTime);
    return r.newBuilder().body(ResponseBody.create(Okio.buffer(Okio.source(slow)),
        body.contentType(), body.contentLength())).build();
  }
}
