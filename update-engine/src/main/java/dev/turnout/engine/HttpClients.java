package dev.turnout.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;

/**
 * Builds the one OkHttp client every request uses, from {@link HttpSettings}: timeouts, proxies
 * from the environment (with proxy credentials), the {@link HttpPolicy}, and the system trust store
 * plus an optional extra CA bundle.
 */
public final class HttpClients {
  private HttpClients() {}

  /** The client, with {@code nanoTime} timing the low-speed abort. */
  public static OkHttpClient create(HttpSettings s, LongSupplier nanoTime) throws IOException {
    EnvProxySelector proxies = new EnvProxySelector(s.environment());
    OkHttpClient.Builder b = new OkHttpClient.Builder()
        .connectTimeout(s.connectTimeout())
        .readTimeout(s.lowSpeedTime())
        .writeTimeout(s.lowSpeedTime())
        .retryOnConnectionFailure(false)
        .proxySelector(proxies)
        .proxyAuthenticator((route, response) -> {
          if (route == null || response.request().header("Proxy-Authorization") != null) {
            return null;
          }
          EnvProxySelector.ProxySpec spec = proxies.specFor(URI.create(
              response.request().url().toString()));
          if (spec == null || spec.user() == null) {
            return null;
          }
          return response.request().newBuilder()
              .header("Proxy-Authorization", Credentials.basic(spec.user(), spec.password()))
              .build();
        });
    HttpPolicy.install(b, s, nanoTime);
    if (s.extraCaBundle() != null) {
      X509TrustManager tm = trustManager(s);
      try {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, null);
        b.sslSocketFactory(ctx.getSocketFactory(), tm);
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot set up TLS: " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  /** The system trust store, and besides it the certificates of the extra bundle. */
  static X509TrustManager trustManager(HttpSettings s) throws IOException {
    try {
      X509TrustManager system = defaultTrustManager(null);
      KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
      extra.load(null, null);
      int i = 0;
      try (InputStream in = Files.newInputStream(s.extraCaBundle())) {
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          extra.setCertificateEntry("extra-" + i++, c);
        }
      }
      if (i == 0) {
        throw new IOException(s.extraCaBundle() + " holds no PEM certificate");
      }
      X509TrustManager bundle = defaultTrustManager(extra);
      return new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String auth)
            throws CertificateException {
          system.checkClientTrusted(chain, auth);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String auth)
            throws CertificateException {
          try {
            system.checkServerTrusted(chain, auth);
          } catch (CertificateException e) {
            bundle.checkServerTrusted(chain, auth);
          }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          List<X509Certificate> all = new ArrayList<>(List.of(system.getAcceptedIssuers()));
          all.addAll(List.of(bundle.getAcceptedIssuers()));
          return all.toArray(new X509Certificate[0]);
        }
      };
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read CA bundle " + s.extraCaBundle() + ": " + e.getMessage(),
          e);
    }
  }

  private static X509TrustManager defaultTrustManager(KeyStore ks)
      throws GeneralSecurityException {
    TrustManagerFactory f = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    f.init(ks);
    for (TrustManager tm : f.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }
}
