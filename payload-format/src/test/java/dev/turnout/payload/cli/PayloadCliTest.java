package dev.turnout.payload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code payload} command forms scripts and tests rely on. */
class PayloadCliTest {
  @TempDir Path dir;
  Path key;
  Path pub;
  byte[] image;
  byte[] kernel;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = PayloadCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(rc, out.toString(), err.toString());
  }

  @BeforeEach
  void setUp() throws Exception {
    Path testdata = dev.turnout.payload.TestPayloadsAccess.testdata();
    key = testdata.resolve("flatcar-developer-v1.key.pem");
    pub = testdata.resolve("flatcar-developer-v1.pub.pem");
    image = new byte[2_500_000];
    new Random(9).nextBytes(image);
    Arrays.fill(image, 1_000_000, 2_000_000, (byte) 0);
    kernel = new byte[70_000];
    new Random(10).nextBytes(kernel);
    Files.write(dir.resolve("usr.img"), image);
    Files.write(dir.resolve("vmlinuz"), kernel);
  }

  private String p(String name) {
    return dir.resolve(name).toString();
  }

  @Test
  void generateShowVerifyApply() throws Exception {
    Run gen = run("generate", "--image", p("usr.img"), "--kernel", p("vmlinuz"), "--key",
        key.toString(), "--out", p("update.gz"));
    assertThat(gen.exit()).as(gen.err()).isZero();
    Run show = run("show", p("update.gz"));
    assertThat(show.out()).contains("  operations:      3 (1 REPLACE, 2 REPLACE_BZ)")
        .contains("  procedure KERNEL: 1 (1 REPLACE), 70000 bytes of data; new size 70000")
        .contains("  signatures:      version 2 (256 bytes)");
    assertThat(run("show", "--json", p("update.gz")).out()).contains("\"block_size\" : 4096");
    Run verify = run("verify", "--public-key", pub.toString(), p("update.gz"));
    assertThat(verify.exit()).as(verify.err()).isZero();
    assertThat(verify.out()).contains(": OK (").contains("signed by flatcar-developer-v1.pub.pem");

    Path part = dir.resolve("part.img");
    Files.write(part, new byte[3 << 20]);
    Run apply = run("apply", "--public-key", pub.toString(), "--target", part.toString(),
        "--kernel-out", p("vmlinuz-b"), p("update.gz"));
    assertThat(apply.exit()).as(apply.err()).isZero();
    assertThat(apply.out()).contains("partition: 2500000 bytes written to " + part + " and verified");
    assertThat(Arrays.copyOf(Files.readAllBytes(part), image.length)).isEqualTo(image);
    assertThat(Files.readAllBytes(dir.resolve("vmlinuz-b"))).isEqualTo(kernel);
  }

  @Test
  void offlineSigningWithOpensslIsByteIdenticalToDirectSigning() throws Exception {
    assertThat(run("generate", "--image", p("usr.img"), "--kernel", p("vmlinuz"), "--out",
        p("u.unsigned")).exit()).isZero();
    assertThat(run("hash", "--signature-size", "256", "--out", p("u.hash"), p("u.unsigned"))
        .exit()).isZero();
    Process ssl = new ProcessBuilder("openssl", "pkeyutl", "-sign", "-inkey", key.toString(),
        "-pkeyopt", "digest:sha256", "-in", p("u.hash"), "-out", p("u.sig"))
        .redirectErrorStream(true).start();
    assertThat(ssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(ssl.exitValue()).isZero();
    assertThat(run("sign", "--signatures", p("u.sig"), "--out", p("u.signed"), p("u.unsigned"))
        .exit()).isZero();
    assertThat(run("generate", "--image", p("usr.img"), "--kernel", p("vmlinuz"), "--key",
        key.toString(), "--out", p("direct.gz")).exit()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("u.signed")))
        .isEqualTo(Files.readAllBytes(dir.resolve("direct.gz")));
  }

  @Test
  void rejectionsExitNonZeroAndSayWhat() throws Exception {
    run("generate", "--image", p("usr.img"), "--key", key.toString(), "--out", p("update.gz"));
    Path part = dir.resolve("small.img");
    Files.write(part, new byte[1 << 20]);
    Run small = run("apply", "--public-key", pub.toString(), "--target", part.toString(),
        p("update.gz"));
    assertThat(small.exit()).isEqualTo(1);
    assertThat(small.err()).startsWith("payload apply: the new image (2500000 bytes) does not fit"
        + " the target partition (1048576 bytes) (error 15, NEW_ROOTFS_VERIFICATION_ERROR)");
    assertThat(Files.readAllBytes(part)).containsOnly(0);

    Path big = dir.resolve("big.img");
    Files.write(big, new byte[3 << 20]);
    Run wrongHash = run("apply", "--public-key", pub.toString(), "--target", big.toString(),
        "--sha256", "AAAA", p("update.gz"));
    assertThat(wrongHash.exit()).isEqualTo(1);
    assertThat(wrongHash.err()).contains("error 10, PAYLOAD_HASH_MISMATCH_ERROR");

    byte[] tampered = Files.readAllBytes(dir.resolve("update.gz"));
    tampered[tampered.length - 300] ^= 1;
    Files.write(dir.resolve("tampered.gz"), tampered);
    Run bad = run("verify", "--public-key", pub.toString(), p("tampered.gz"));
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("payload verify: ").contains("(error 29,");

    Run usage = run("apply", p("update.gz"));
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err()).contains("Missing required options");
  }

  @Test
  void aWholeDiskIsRefusedNamingItsPartitionsUnlessForced() throws Exception {
    Run gen = run("generate", "--image", p("usr.img"), "--key", key.toString(), "--out",
        p("update.gz"));
    assertThat(gen.exit()).as(gen.err()).isZero();
    Path disk = dir.resolve("disk.img");
    try (dev.turnout.gpt.GptDisk d = dev.turnout.gpt.GptDisk.createImage(disk, 16384)) {
      d.create(java.util.UUID.fromString("00000000-0000-0000-0000-000000000001"));
      d.add(new dev.turnout.gpt.PartitionSpec(3, 2048L, 6144L,
          dev.turnout.gpt.PartitionTypes.FLATCAR_USR, null, "USR-A", null, null, null, null,
          null));
      d.add(new dev.turnout.gpt.PartitionSpec(4, 8192L, 6144L,
          dev.turnout.gpt.PartitionTypes.FLATCAR_USR, null, "USR-B", null, null, null, null,
          null));
    }
    byte[] before = Files.readAllBytes(disk);
    Run refused = run("apply", "--public-key", pub.toString(), "--target", disk.toString(),
        p("update.gz"));
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("payload apply: " + disk + " holds a GPT with partitions"
        + " 3 USR-A, 4 USR-B: it is a whole disk, not a partition, and writing the payload would"
        + " destroy the table and every partition on it. Give the partition (such as /dev/sda4),"
        + " or add --force\n");
    assertThat(Files.readAllBytes(disk)).as("not a byte written").isEqualTo(before);

    Run forced = run("apply", "--force", "--public-key", pub.toString(), "--target",
        disk.toString(), p("update.gz"));
    assertThat(forced.exit()).as(forced.err()).isZero();
    assertThat(Arrays.copyOf(Files.readAllBytes(disk), image.length)).isEqualTo(image);
  }
}
