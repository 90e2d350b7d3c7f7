package dev.turnout.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * {@link OmahaTransport} over the daemon's OkHttp client ({@code Content-Type: text/xml}, as
 * update_engine). At most {@code maxResponseBytes} of an answer are read: a larger body is refused
 * while streaming, never held.
 */
public final class HttpOmahaTransport implements OmahaTransport {
  private static final MediaType XML = MediaType.get("text/xml");

  private final Supplier<OkHttpClient> http;
  private final long maxResponseBytes;

  /** Over the client {@code http} gives at each request ({@code OnDemandHttpClient}). */
  public HttpOmahaTransport(Supplier<OkHttpClient> http, long maxResponseBytes) {
    this.http = http;
    this.maxResponseBytes = maxResponseBytes;
  }

  @Override
  public byte[] post(String url, String requestXml) throws OmahaException {
    Request req;
    try {
      req = new Request.Builder().url(url)
          .post(RequestBody.create(requestXml.getBytes(StandardCharsets.UTF_8), XML)).build();
    } catch (IllegalArgumentException e) {
      throw OmahaException.http(0, "invalid update server URL " + Redacted.url(url), e);
    }
    try (Response r = http.get().newCall(req).execute()) {
      if (!r.isSuccessful()) {
        throw OmahaException.http(r.code(), "the update server answered HTTP " + r.code(), null);
      }
      return readCapped(r.body());
    } catch (OmahaException e) {
      throw e;
    } catch (RedirectRefusedException e) {
      throw OmahaException.http(e.status(), e.getMessage(), e);
    } catch (IOException e) {
      throw OmahaException.http(0, "no response from " + Redacted.url(url) + ": " + e.getMessage(),
          e);
    }
  }

  private byte[] readCapped(ResponseBody body) throws IOException {
    if (body.contentLength() > maxResponseBytes) {
      throw new OmahaException(ErrorCode.OMAHA_REQUEST_XML_PARSE_ERROR, "the response is "
          + body.contentLength() + " bytes, more than the limit of " + maxResponseBytes);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = body.byteStream()) {
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (out.size() + n > maxResponseBytes) {
          throw new OmahaException(ErrorCode.OMAHA_REQUEST_XML_PARSE_ERROR,
              "the response exceeds the limit of " + maxResponseBytes + " bytes");
        }
        out.write(buf, 0, n);
      }
    }
    return out.toByteArray();
  }
}
