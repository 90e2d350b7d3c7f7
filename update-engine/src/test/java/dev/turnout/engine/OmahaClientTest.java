package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a scripted server on loopback: good answers, bad ones and hostile ones. */
class OmahaClientTest {
  @TempDir Path dir;
  MockWebServer server;
  HttpSettings settings;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    settings = HttpSettings.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1))
        .withEnvironment(Map.of());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OmahaClient client(HttpSettings s) throws Exception {
    OkHttpClient http = HttpClients.create(s, System::nanoTime);
    return new OmahaClient(new HttpOmahaTransport(() -> http, s.maxResponseBytes()));
  }

  private String url() {
    return server.url("/v1/update/").toString();
  }

  private int codeOf(ThrowingCall call) {
    try {
      call.run();
    } catch (OmahaException e) {
      return e.wireCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no OmahaException");
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void postsTheRequestAsTextXmlWithoutUserAgentAndParsesTheAnswer() throws Exception {
    server.enqueue(new MockResponse.Builder().body(Fixtures.UPDATE)
        .setHeader("Content-Type", "text/xml").build());
    String request = OmahaRequest.updateCheck(Fixtures.params(), false, "");
    OmahaResponse r = client(settings).updateCheck(url(), request);
    assertThat(r.updateAvailable()).isTrue();
    RecordedRequest rec = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(rec.getMethod()).isEqualTo("POST");
    assertThat(rec.getHeaders().get("Content-Type")).isEqualTo("text/xml");
    assertThat(rec.getHeaders().get("User-Agent")).isNull();
    assertThat(rec.getBody().utf8()).isEqualTo(request);
  }

  @Test
  void httpFailuresAre2000PlusStatus() throws Exception {
    server.enqueue(new MockResponse.Builder().code(501).build());
    assertThat(codeOf(() -> client(settings).updateCheck(url(), "x"))).isEqualTo(2501);
    server.enqueue(new MockResponse.Builder().code(503).build());
    assertThat(codeOf(() -> client(settings).updateCheck(url(), "x"))).isEqualTo(2503);
    assertThat(ErrorCode.httpCode(1500)).isEqualTo(2999);
    server.enqueue(new MockResponse.Builder().body("").build());
    assertThat(codeOf(() -> client(settings).updateCheck(url(), "x"))).isEqualTo(30);
  }

  @Test
  void noServerAtAllIs2000() throws Exception {
    String dead = url();
    server.close();
    assertThat(codeOf(() -> client(settings).updateCheck(dead, "x"))).isEqualTo(2000);
  }

  @Test
  void aHundredMegabyteResponseIsRefusedUnread() throws Exception {
    byte[] big = new byte[100 << 20];
    java.util.Arrays.fill(big, (byte) ' ');
    server.enqueue(new MockResponse.Builder().body(new Buffer().write(big)).build());
    long t0 = System.nanoTime();
    OmahaException e = (OmahaException) org.assertj.core.api.Assertions.catchThrowable(
        () -> client(settings).updateCheck(url(), "x"));
    assertThat(e.wireCode()).isEqualTo(31);
    assertThat(e).hasMessageContaining("more than the limit of 4194304");
    server.enqueue(new MockResponse.Builder().chunkedBody(new Buffer().write(big), 1 << 20)
        .build());
    OmahaException chunked = (OmahaException) org.assertj.core.api.Assertions.catchThrowable(
        () -> client(settings).updateCheck(url(), "x"));
    assertThat(chunked).hasMessageContaining("exceeds the limit of 4194304 bytes");
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(30));
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    server.enqueue(new MockResponse.Builder().body(Fixtures.NO_UPDATE)
        .headersDelay(20, TimeUnit.SECONDS).build());
    long t0 = System.nanoTime();
    assertThat(codeOf(() -> client(settings).updateCheck(url(), "x"))).isEqualTo(2000);
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(10));
  }

  @Test
  void aDripBelowTheLowSpeedLimitIsCut() throws Exception {
    server.enqueue(new MockResponse.Builder().body(Fixtures.UPDATE)
        .throttleBody(1, 300, TimeUnit.MILLISECONDS).build());
    OmahaException e = (OmahaException) org.assertj.core.api.Assertions.catchThrowable(
        () -> client(settings).updateCheck(url(), "x"));
    assertThat(e.wireCode()).isEqualTo(2000);
    assertThat(e).hasMessageContaining("transfer below 10 bytes/s");
  }

  @Test
  void httpsWithAnExtraCaBundleWorksButNeverRedirectsToHttp() throws Exception {
    HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).build();
    HeldCertificate cert = new HeldCertificate.Builder().signedBy(ca).addSubjectAlternativeName(
        "127.0.0.1").addSubjectAlternativeName("localhost").build();
    HandshakeCertificates serverCerts = new HandshakeCertificates.Builder()
        .heldCertificate(cert, ca.certificate()).build();
    server.useHttps(serverCerts.sslSocketFactory());
    Path bundle = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    HttpSettings tls = settings.withExtraCaBundle(bundle);

    server.enqueue(new MockResponse.Builder().body(Fixtures.NO_UPDATE).build());
    assertThat(client(tls).updateCheck(url(), "x").updateAvailable()).isFalse();

    assertThat(codeOf(() -> client(settings).updateCheck(url(), "x")))
        .as("without the bundle the certificate is not trusted").isEqualTo(2000);

    server.enqueue(new MockResponse.Builder().code(302)
        .setHeader("Location", "http://127.0.0.1:9/v1/update/").build());
    OmahaException e = (OmahaException) org.assertj.core.api.Assertions.catchThrowable(
        () -> client(tls).updateCheck(url(), "x"));
    assertThat(e).hasMessageContaining("refusing to follow a redirect from https to http://");
    assertThat(e.wireCode()).isEqualTo(2302);
  }

  @Test
  void aRedirectToFileSaysWhereItCameFrom() throws Exception {
    server.enqueue(new MockResponse.Builder().code(302)
        .setHeader("Location", "file:///etc/passwd").build());
    OmahaException e = (OmahaException) org.assertj.core.api.Assertions.catchThrowable(
        () -> client(settings).updateCheck(url(), "x"));
    assertThat(e).hasMessageContaining("refusing to follow a redirect from http to"
        + " file:///etc/passwd (no redirect may leave http)");
    assertThat(e.wireCode()).isEqualTo(2302);
  }

  @Test
  void aRedirectLoopEndsInAnError() throws Exception {
    for (int i = 0; i < 25; i++) {
      server.enqueue(new MockResponse.Builder().code(307).setHeader("Location", url()).build());
    }
    assertThat(codeOf(() -> client(settings).updateCheck(url(), "x"))).isBetween(2000, 2999);
  }

  @Test
  void proxiesComeFromTheEnvironment() throws Exception {
    server.enqueue(new MockResponse.Builder().body(Fixtures.NO_UPDATE).build());
    HttpSettings viaProxy = settings.withEnvironment(Map.of("HTTP_PROXY",
        "http://127.0.0.1:" + server.getPort()));
    assertThat(client(viaProxy).updateCheck("http://omaha.example.invalid/v1/update/", "x")
        .updateAvailable()).isFalse();
    RecordedRequest rec = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(rec.getTarget()).isEqualTo("http://omaha.example.invalid/v1/update/");

    HttpSettings bypass = settings.withEnvironment(Map.of("http_proxy",
        "127.0.0.1:" + server.getPort(), "NO_PROXY", ".example.invalid"));
    assertThat(codeOf(() -> client(bypass).updateCheck("http://omaha.example.invalid/v1/update/",
        "x"))).as("no_proxy makes it go direct, and the name does not resolve").isEqualTo(2000);
  }

  @Test
  void theOnDemandClientIsMadeAtTheFirstRequestAndDroppedWithItsConnectionsOnRelease()
      throws Exception {
    List<OkHttpClient> made = new ArrayList<>();
    OnDemandHttpClient http = new OnDemandHttpClient(() -> {
      try {
        OkHttpClient c = HttpClients.create(settings, System::nanoTime);
        made.add(c);
        return c;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    OmahaClient omaha = new OmahaClient(new HttpOmahaTransport(http, settings.maxResponseBytes()));
    assertThat(made).as("nothing is built before a request needs it").isEmpty();
    assertThat(http.held()).isFalse();
    for (int i = 0; i < 2; i++) {
      server.enqueue(new MockResponse.Builder().body(Fixtures.UPDATE).build());
    }
    String request = OmahaRequest.updateCheck(Fixtures.params(), false, "");
    omaha.updateCheck(url(), request);
    omaha.updateCheck(url(), request);
    assertThat(made).as("one client for the requests of one attempt").hasSize(1);
    OkHttpClient first = made.get(0);
    assertThat(first.connectionPool().connectionCount()).as("kept alive").isEqualTo(1);
    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getConnectionIndex()).isZero();
    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getConnectionIndex())
        .as("the second request reused the connection").isZero();

    http.release();
    assertThat(http.held()).isFalse();
    assertThat(first.connectionPool().connectionCount()).as("closed at release").isZero();
    server.enqueue(new MockResponse.Builder().body(Fixtures.UPDATE).build());
    assertThat(omaha.updateCheck(url(), request).updateAvailable()).isTrue();
    assertThat(made).as("the next attempt builds its own").hasSize(2);
    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getConnectionIndex())
        .as("on a new connection").isEqualTo(1);
  }
}
