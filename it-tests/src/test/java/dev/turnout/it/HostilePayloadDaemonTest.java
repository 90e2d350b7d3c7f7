package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.engine.Daemon;
import dev.turnout.engine.ErrorCode;
import dev.turnout.engine.UpdateStatus;
import dev.turnout.payload.MutationCorpus;
import dev.turnout.payload.PayloadFile;
import dev.turnout.payload.proto.UpdateMetadata.DeltaArchiveManifest;
import dev.turnout.payload.proto.UpdateMetadata.InstallOperation;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;

/**
 * Hostile payloads and servers through the whole daemon, not only the library: the mutation corpus
 * (through the real binary for a hand-picked few, in-process for the corpus itself), and an https
 * update server that redirects to http.
 */
class HostilePayloadDaemonTest extends RigTest {

  private static byte[] rebuild(byte[] payload, UnaryOperator<DeltaArchiveManifest.Builder> edit,
      long metadataSize, DeltaArchiveManifest m) {
    DeltaArchiveManifest changed = edit.apply(m.toBuilder()).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(20).put(new byte[] {'C', 'r', 'A', 'U'}).putLong(1)
        .putLong(changed.getSerializedSize()).array());
    out.writeBytes(changed.toByteArray());
    out.write(payload, (int) metadataSize, payload.length - (int) metadataSize);
    return out.toByteArray();
  }

  @Test
  void mutatedPayloadsAreRejectedAndNothingBecomesBootable() throws Exception {
    Release release = new Release(dir, "3900.0.0", 1_500_000);
    byte[] good = Files.readAllBytes(release.payload);
    PayloadFile pf = PayloadFile.read(release.payload);
    long meta = pf.metadataSize();
    List<Object[]> mutants = List.of(
        new Object[] {"flipped byte in a blob", flip(good, (int) meta + 1000), "error 29"},
        new Object[] {"flipped byte in the signature", flip(good, good.length - 10), "error 18"},
        new Object[] {"cut in the middle", Arrays.copyOf(good, good.length / 2), "error 11"},
        new Object[] {"bad magic", flip(good, 0), "error 21"},
        new Object[] {"delta operation", rebuild(good, b -> b.setPartitionOperations(0,
            b.getPartitionOperations(0).toBuilder().setType(InstallOperation.Type.MOVE)), meta,
            pf.manifest()), "delta payloads are not supported"},
        new Object[] {"extent past the partition", rebuild(good, b -> b.setPartitionOperations(0,
            b.getPartitionOperations(0).toBuilder().setDstExtents(0, b.getPartitionOperations(0)
                .getDstExtents(0).toBuilder().setStartBlock(1 << 20))), meta, pf.manifest()),
            "lies outside the target"});
    Proc d = null;
    int n = 0;
    for (Object[] m : mutants) {
      servePayload("3900.0.0", Files.write(dir.resolve("mutant-" + n++ + ".gz"), (byte[]) m[1]),
          0);
      if (d == null) {
        d = daemon("daemon", 3600);
      }
      Proc daemon = d;
      int before = count(daemon.log());
      assertThat(client("-update").exit()).as("a failed update").isEqualTo(1);
      daemon.await(LONG, (String) m[0], l -> count(l) > before);
      String failure = daemon.log().lines().filter(l -> l.contains("update failed with error"))
          .reduce((a, b) -> b).orElseThrow();
      assertThat(failure).as((String) m[0]).contains((String) m[2]);
      Invariant.check(this, A_GOOD, release);
    }
  }

  /**
   * The mutation corpus the library is tested with, made from a release of this machine's size and
   * served to one in-process daemon: every distinct mutant with {@code -Dturnout.long=true}, every
   * eighth by default. Each is refused with a code the library allows it, reported as event 3/0,
   * and USR-B never becomes bootable.
   */
  @Test
  void theMutationCorpusThroughTheDaemon() throws Exception {
    Release release = new Release(dir, "3900.0.0", 2_300_000);
    List<MutationCorpus.Mutant> all = new MutationCorpus(Files.readAllBytes(release.payload),
        PayloadFile.read(release.payload), Machine.USR_SECTORS * 512).all();
    Set<String> seen = new HashSet<>();
    int served = 0;
    try (Daemon d = inProcessDaemon(machine.root, machine.disk)) {
      for (int i = 0; i < all.size(); i++) {
        MutationCorpus.Mutant m = all.get(i);
        if (!ReliabilityTest.LONG_RUN && i % 8 != 0
            || !seen.add(HexFormat.of().formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(m.bytes())))) {
          continue;
        }
        servePayload("3900.0.0", Files.write(dir.resolve("mutant.gz"), m.bytes()), 0);
        assertThat(attempt(d)).as(m.name()).isEqualTo(UpdateStatus.IDLE);
        List<String> events = eventsHeard();
        String last = events.get(events.size() - 1);
        assertThat(last).as(m.name()).startsWith("3/0:");
        int code = Integer.parseInt(last.substring(4)) & ((1 << 28) - 1); // without the flags
        assertThat(ErrorCode.of(code)).as("%s: error %d", m.name(), code).isPresent();
        assertThat(ErrorCode.of(code).get()).as(m.name())
            .isIn(m.codes().stream().map(ErrorCode::of).toList());
        assertThat(machine.entry(4).attributes().bootable()).as(m.name()).isFalse();
        Invariant.checkDisk(this, A_GOOD, release);
        served++;
      }
      Invariant.check(this, A_GOOD, release);
    }
    System.out.printf("mutation corpus through the daemon: %d of %d mutants served, all"
        + " refused%n", served, all.size());
  }

  @Test
  void anHttpsServerRedirectingToHttpIsRefused() throws Exception {
    HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).build();
    Release release = serve("3900.0.0", 0);
    try (MockWebServer tls = redirectingToTheLab(ca)) {
      machine.write("/etc/ssl/lab-ca.pem", ca.certificatePem());
      machine.write("/etc/flatcar/update.conf", "SERVER=" + tls.url("/v1/update/")
          + "\nGROUP=stable\nSERVER_CA_BUNDLE=/etc/ssl/lab-ca.pem\n");
      Proc d = daemon("daemon", 3600);
      assertThat(client("-update").exit()).as("a failed update").isEqualTo(1);
      d.await(LONG, "the refusal", l -> l.contains("update failed with error 2302"));
      assertThat(d.log()).contains("refusing to follow a redirect from https to http://");
      assertThat(lab.log().entries()).as("the http server was never asked").isEmpty();
      Invariant.check(this, A_GOOD, release);
    }
  }

  @Test
  void aCaBundleAddedToUpdateConfCountsFromTheNextCheckWithoutARestart() throws Exception {
    HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).build();
    Release release = serve("3900.0.0", 0);
    try (MockWebServer tls = redirectingToTheLab(ca)) {
      String conf = "SERVER=" + tls.url("/v1/update/") + "\nGROUP=stable\n";
      machine.write("/etc/flatcar/update.conf", conf);
      Proc d = daemon("daemon", 3600);
      assertThat(client("-update").exit()).as("a server the system store does not trust")
          .isEqualTo(1);
      d.await(LONG, "the failed check", l -> l.contains("update failed with error"));
      assertThat(tls.getRequestCount()).as("no request passed the handshake").isZero();

      machine.write("/etc/ssl/lab-ca.pem", ca.certificatePem());
      machine.write("/etc/flatcar/update.conf", conf + "SERVER_CA_BUNDLE=/etc/ssl/lab-ca.pem\n");
      assertThat(client("-update").exit()).isEqualTo(1);
      d.await(LONG, "the refusal", l -> l.contains("update failed with error 2302"));
      assertThat(tls.getRequestCount()).as("the same daemon now trusts the bundle's CA")
          .isPositive();
      assertThat(lab.log().entries()).as("the http server was never asked").isEmpty();
      Invariant.check(this, A_GOOD, release);
    }
  }

  /** An https server on loopback, its certificate signed by {@code ca}, redirecting to the lab. */
  private MockWebServer redirectingToTheLab(HeldCertificate ca) throws Exception {
    HeldCertificate cert = new HeldCertificate.Builder().signedBy(ca)
        .addSubjectAlternativeName("127.0.0.1").addSubjectAlternativeName("localhost").build();
    MockWebServer tls = new MockWebServer();
    tls.useHttps(new HandshakeCertificates.Builder().heldCertificate(cert, ca.certificate())
        .build().sslSocketFactory());
    tls.start(InetAddress.getByName("127.0.0.1"), 0);
    for (int i = 0; i < 4; i++) {
      tls.enqueue(new MockResponse.Builder().code(302)
          .setHeader("Location", lab.updateUrl()).build());
    }
    return tls;
  }

  private static byte[] flip(byte[] b, int at) {
    byte[] c = b.clone();
    c[at] ^= 0x20;
    return c;
  }

  private static int count(String log) {
    return (int) log.lines().filter(l -> l.contains("update failed with error")).count();
  }
}
