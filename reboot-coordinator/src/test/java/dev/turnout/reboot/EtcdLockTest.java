package dev.turnout.reboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import dev.turnout.testing.Etcd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.OkHttpClient;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The semaphore on a real etcd v3 (its v2 API off), over the JSON gateway. */
class EtcdLockTest {
  static final String A = "3d1219c7c4c5404aaa1f6d2a48adfda4";
  static final String B = "4e2320d8d5d6515bbb2a5b3c59beaeb5";
  @TempDir Path dir;

  @BeforeEach
  void need() {
    Etcd.require();
  }

  static EtcdLock lock(OkHttpClient http, String endpoint, String group) {
    return new EtcdLock(new EtcdClient(http, List.of(endpoint), "", ""), group, new Random(1),
        Thread::sleep);
  }

  @Test
  void theStoredBytesAreLocksmithsV3Values() throws Exception {
    OkHttpClient http = Tls.client(null, null, null);
    try (Etcd etcd = Etcd.start(dir).awaitReady()) {
      EtcdLock l = lock(http, etcd.endpoint, "");
      String key = "coreos.com/updateengine/rebootlock/semaphore";
      l.init();
      assertThat(etcd.ctl("get", key, "--print-value-only").strip())
          .isEqualTo("{\"semaphore\":1,\"max\":1,\"holders\":null}");
      l.lock(A);
      assertThat(etcd.ctl("get", key, "--print-value-only").strip())
          .isEqualTo("{\"semaphore\":0,\"max\":1,\"holders\":[\"" + A + "\"]}");
      assertThatThrownBy(() -> l.lock(B)).hasMessage("semaphore is at 0");
      l.unlock(A);
      assertThat(etcd.ctl("get", key, "--print-value-only").strip())
          .isEqualTo("{\"semaphore\":1,\"max\":1,\"holders\":[]}");
      l.setMax(2);
      assertThat(etcd.ctl("get", key, "--print-value-only").strip())
          .isEqualTo("{\"semaphore\":2,\"max\":2,\"holders\":[]}");
      // a value locksmith's v3 build wrote is read as ours
      etcd.ctl("put", key, "{\"semaphore\":1,\"max\":2,\"holders\":[\"" + B + "\"]}");
      assertThat(l.status()).isEqualTo(new Semaphore(1, 2, List.of(B)));
      assertThat(l.holds(B)).hasValue(true);
      // a sibling key never shadows the semaphore
      etcd.ctl("put", key + "Z", "{\"semaphore\":9,\"max\":9,\"holders\":[]}");
      assertThat(l.status().max()).isEqualTo(2);
      assertThat(EtcdLock.key("a b/c")).isEqualTo(
          "coreos.com/updateengine/rebootlock/groups/a+b%2Fc/semaphore");
      EtcdLock web = lock(http, etcd.endpoint, "a b/c");
      web.lock(A);
      assertThat(etcd.ctl("get", EtcdLock.key("a b/c"), "--print-value-only").strip())
          .isEqualTo("{\"semaphore\":0,\"max\":1,\"holders\":[\"" + A + "\"]}");
    }
  }

  @Test
  void compareAndSwapConflictsAreRetriedNotFailed() throws Exception {
    OkHttpClient http = Tls.client(null, null, null);
    try (Etcd etcd = Etcd.start(dir).awaitReady()) {
      lock(http, etcd.endpoint, "").setMax(8);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          String id = String.format("%032x", i + 1);
          all.add(pool.submit(() -> {
            lock(http, etcd.endpoint, "").lock(id);
            return null;
          }));
        }
        for (Future<?> f : all) {
          f.get(); // none failed on a lost race
        }
      } finally {
        pool.shutdownNow();
      }
      Semaphore s = lock(http, etcd.endpoint, "").status();
      assertThat(s.holders()).hasSize(8);
      assertThat(s.semaphore()).isZero();
    }
  }

  @Test
  void aDeadEtcdIsAnIoErrorAndTheNextEndpointIsTried() throws Exception {
    OkHttpClient http = Tls.client(null, null, null);
    try (Etcd etcd = Etcd.start(dir).awaitReady()) {
      String dead = "http://127.0.0.1:" + Etcd.freePort();
      EtcdLock both = new EtcdLock(new EtcdClient(http, List.of(dead, etcd.endpoint), "", ""),
          "", new Random(1), Thread::sleep);
      both.lock(A); // through the second endpoint
      etcd.stop();
      assertThatThrownBy(() -> both.unlock(A)).isInstanceOf(java.io.IOException.class);
      etcd.restart();
      etcd.awaitReady();
      both.unlock(A);
      assertThat(both.holds(A)).hasValue(false);
    }
  }

  @Test
  void tlsWithACaAloneAndWithAClientCertificate() throws Exception {
    HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0)
        .commonName("test ca").build();
    HeldCertificate server = new HeldCertificate.Builder().signedBy(ca)
        .addSubjectAlternativeName("127.0.0.1").addSubjectAlternativeName("localhost")
        .commonName("etcd").build();
    HeldCertificate client = new HeldCertificate.Builder().signedBy(ca).commonName("node")
        .rsa2048().build(); // its key as PKCS#1 below, as openssl genrsa writes it
    Path caPem = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    Path serverPem = Files.writeString(dir.resolve("server.pem"), server.certificatePem());
    Path serverKey = Files.writeString(dir.resolve("server.key"), server.privateKeyPkcs8Pem());
    Path clientPem = Files.writeString(dir.resolve("client.pem"), client.certificatePem());
    Path clientKey = Files.writeString(dir.resolve("client.key"), client.privateKeyPkcs1Pem());

    OkHttpClient caOnly = Tls.client(caPem, null, null);
    try (Etcd etcd = Etcd.start(dir.resolve("a"), serverPem, serverKey, null)
        .awaitReady()) {
      lock(caOnly, etcd.endpoint, "").lock(A);
      assertThat(lock(caOnly, etcd.endpoint, "").holds(A)).hasValue(true);
      assertThatThrownBy(() -> lock(Tls.client(null, null, null), etcd.endpoint, "").lock(B))
          .as("the system store does not trust the test CA")
          .isInstanceOf(java.io.IOException.class);
    }
    OkHttpClient withCert = Tls.client(caPem, clientPem, clientKey);
    try (Etcd etcd = Etcd.start(dir.resolve("b"), serverPem, serverKey, caPem)
        .awaitReady()) {
      lock(withCert, etcd.endpoint, "").lock(A);
      assertThatThrownBy(() -> lock(caOnly, etcd.endpoint, "").lock(B))
          .as("no client certificate").isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void aUsernameAndPasswordGetAToken() throws Exception {
    OkHttpClient http = Tls.client(null, null, null);
    try (Etcd etcd = Etcd.start(dir).awaitReady()) {
      etcd.ctl("user", "add", "root", "--new-user-password=r00t-secret");
      try {
        etcd.ctl("role", "add", "root");
      } catch (AssertionError exists) {
        // some versions make it with the user
      }
      etcd.ctl("user", "grant-role", "root", "root");
      etcd.ctl("auth", "enable");
      EtcdLock anonymous = lock(http, etcd.endpoint, "");
      assertThatThrownBy(() -> anonymous.lock(A)).isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("etcd at " + etcd.endpoint + " answered HTTP");
      EtcdLock wrong = new EtcdLock(new EtcdClient(http, List.of(etcd.endpoint), "root",
          "nope"), "", new Random(1), Thread::sleep);
      assertThatThrownBy(() -> wrong.lock(A)).hasMessageContaining("refused user root");
      EtcdLock user = new EtcdLock(new EtcdClient(http, List.of(etcd.endpoint), "root",
          "r00t-secret"), "", new Random(1), Thread::sleep);
      user.lock(A);
      assertThat(user.holds(A)).hasValue(true);
    }
  }
}
