package dev.turnout.engine.omaha;

import dev.turnout.engine.http.HttpSettings;
import dev.turnout.engine.http.LowSpeedInputStream;
import dev.turnout.payload.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Posts Omaha requests ({@code Content-Type: text/xml}, no User-Agent, as update_engine) and reads
 * the answer: at most {@code maxResponseBytes} (a larger body is refused while streaming, never
 * held), at least the low-speed limit, no redirect off https, at most {@code maxRedirects}
 * redirects. Failures carry update_engine's codes: {@code 2000 + status} for an HTTP error, 2000
 * when no response arrived at all, 30/31/34 for bad bodies.
 */
public final class OmahaClient {
  private static final MediaType XML = MediaType.get("text/xml");

  private final OkHttpClient http;
  private final HttpSettings settings;

  public OmahaClient(OkHttpClient http, HttpSettings settings) {
    this.http = http;
    this.settings = settings;
  }

  /** Posts an update check and parses the response. */
  public OmahaResponse updateCheck(String url, String requestXml) throws OmahaException {
    return OmahaResponseParser.parse(post(url, requestXml));
  }

  /** Posts a ping or an event; the answer is not looked at (events are best effort). */
  public void send(String url, String requestXml) throws OmahaException {
    post(url, requestXml);
  }

  /** Posts a request and returns the body of a 2xx answer. */
  public byte[] post(String url, String requestXml) throws OmahaException {
    Request req;
    try {
      req = new Request.Builder().url(url)
          .post(RequestBody.create(requestXml.getBytes(StandardCharsets.UTF_8), XML)).build();
    } catch (IllegalArgumentException e) {
      throw new OmahaException(ErrorCode.OMAHA_REQUEST_HTTP_RESPONSE_BASE.code,
          "invalid update server URL " + url, e);
    }
    try (Response r = http.newCall(req).execute()) {
      int redirects = 0;
      for (Response p = r.priorResponse(); p != null; p = p.priorResponse()) {
        redirects++;
      }
      if (redirects > settings.maxRedirects()) {
        throw new OmahaException(ErrorCode.httpCode(r.code()),
            "more than " + settings.maxRedirects() + " redirects", null);
      }
      if (r.isRedirect()) {
        String to = r.header("Location", "");
        throw new OmahaException(ErrorCode.httpCode(r.code()), "refusing to follow a redirect from "
            + r.request().url().scheme() + " to " + to + " (no redirect may leave https)", null);
      }
      if (!r.isSuccessful()) {
        throw new OmahaException(ErrorCode.httpCode(r.code()),
            "the update server answered HTTP " + r.code(), null);
      }
      return readCapped(r.body());
    } catch (OmahaException e) {
      throw e;
    } catch (IOException e) {
      throw new OmahaException(ErrorCode.httpCode(0),
          "no response from " + url + ": " + e.getMessage(), e);
    }
  }

  private byte[] readCapped(ResponseBody body) throws IOException {
    long max = settings.maxResponseBytes();
    if (body.contentLength() > max) {
      throw new OmahaException(ErrorCode.OMAHA_REQUEST_XML_PARSE_ERROR.code,
          "the response is " + body.contentLength() + " bytes, more than the limit of " + max, null);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = new LowSpeedInputStream(body.byteStream(),
        settings.lowSpeedBytesPerSecond(), settings.lowSpeedTime().toNanos(), System::nanoTime)) {
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (out.size() + n > max) {
          throw new OmahaException(ErrorCode.OMAHA_REQUEST_XML_PARSE_ERROR.code,
              "the response exceeds the limit of " + max + " bytes", null);
        }
        out.write(buf, 0, n);
      }
    }
    return out.toByteArray();
  }
}
