package dev.turnout.reboot;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The HTTP client to etcd or the FleetLock server: plain, or TLS trusting a CA alone (what
 * locksmith could not do, Flatcar#948), or a CA plus a client certificate and key (any PEM key:
 * PKCS#8, PKCS#1 RSA, SEC1 EC). Bounded timeouts: a dead endpoint never hangs the coordinator.
 */
final class Tls {
  private Tls() {}

  static OkHttpClient client(Path ca, Path cert, Path key) throws IOException {
    OkHttpClient.Builder b = new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(15)).writeTimeout(Duration.ofSeconds(15))
        .callTimeout(Duration.ofSeconds(30)).retryOnConnectionFailure(false);
    if (ca == null && cert == null) {
      return b.build();
    }
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      if (ca != null) {
        int i = 0;
        for (Certificate c : certificates(ca)) {
          trust.setCertificateEntry("ca" + i++, c);
        }
        tmf.init(trust);
      } else {
        tmf.init((KeyStore) null); // the system's CAs
      }
      X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
      javax.net.ssl.KeyManager[] kms = null;
      if (cert != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] none = new char[0];
        ks.setKeyEntry("client", privateKey(key), none,
            certificates(cert).toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(
            KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, none);
        kms = kmf.getKeyManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kms, new javax.net.ssl.TrustManager[] {tm}, null);
      return b.sslSocketFactory(ctx.getSocketFactory(), tm).build();
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS set-up: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(Path pem) throws IOException {
    try (var in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> c = CertificateFactory.getInstance("X.509")
          .generateCertificates(in);
      if (c.isEmpty()) {
        throw new IOException(pem + " holds no certificate");
      }
      return c;
    } catch (java.security.cert.CertificateException e) {
      throw new IOException(pem + ": not a PEM certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Path pem) throws IOException {
    try (Reader r = Files.newBufferedReader(pem); PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair kp) {
        return conv.getKeyPair(kp).getPrivate();
      }
      if (o instanceof PrivateKeyInfo info) {
        return conv.getPrivateKey(info);
      }
      throw new IOException(pem + " holds no private key in PEM");
    }
  }
}
