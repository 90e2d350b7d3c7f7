package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * omaha-server, payload and cgpt through their launchers: the exit status and the one line a
 * user reads for each mistake, never a stack trace.
 */
class CommandLineToolsTest {
  static final Duration LONG = Duration.ofSeconds(90);
  @TempDir Path dir;

  private static Proc.Result run(String tool, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Repo.bin(tool).toString()));
    cmd.addAll(List.of(args));
    Proc.Result r = Proc.run(LONG, Map.of(), cmd.toArray(String[]::new));
    assertThat(r.err()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
    return r;
  }

  @Test
  void omahaServerSaysWhatIsWrongInOneLine() throws Exception {
    Release release = new Release(dir, "3900.0.0", 100_000);
    Path notCrau = Files.writeString(dir.resolve("notes.txt"), "hello");
    Path badJson = Files.writeString(dir.resolve("bad.json"), "{\"channels\": [");
    String payload = release.payload.toString();
    Proc.Result missing = run("omaha-server", "--channel", "stable", "--version", "3900.0.0",
        "--payload", dir.resolve("nope.gz").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("omaha-server: " + dir.resolve("nope.gz")
        + ": No such file or directory\n");
    Proc.Result listen = run("omaha-server", "--listen", "nonsense", "--channel", "stable",
        "--version", "3900.0.0", "--payload", payload);
    assertThat(listen.exit()).isEqualTo(2);
    assertThat(listen.err()).isEqualTo("omaha-server: --listen takes HOST:PORT (as"
        + " 0.0.0.0:8080), not nonsense\n");
    Proc.Result config = run("omaha-server", "--config", dir.resolve("none.json").toString());
    assertThat(config.exit()).isEqualTo(1);
    assertThat(config.err()).startsWith("omaha-server: " + dir.resolve("none.json"));
    Proc.Result malformed = run("omaha-server", "--config", badJson.toString());
    assertThat(malformed.exit()).isEqualTo(1);
    assertThat(malformed.err()).startsWith("omaha-server: --config " + badJson
        + " is not valid JSON: ");
    Proc.Result noPayload = run("omaha-server", "--channel", "stable", "--version", "3900.0.0",
        "--payload", notCrau.toString());
    assertThat(noPayload.exit()).isEqualTo(1);
    assertThat(noPayload.err()).isEqualTo("omaha-server: " + notCrau + " is not a CrAU update"
        + " payload (payloads start with \"CrAU\")\n");
    Proc.Result version = run("omaha-server", "--channel", "stable", "--version", "abc",
        "--payload", payload);
    assertThat(version.exit()).isEqualTo(1);
    assertThat(version.err()).isEqualTo("omaha-server: --version abc is not a version: dotted"
        + " numbers, as 4081.2.0\n");
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      String at = "127.0.0.1:" + taken.getLocalPort();
      Proc.Result inUse = run("omaha-server", "--listen", at, "--channel", "stable",
          "--version", "3900.0.0", "--payload", payload);
      assertThat(inUse.exit()).isEqualTo(1);
      assertThat(inUse.err()).startsWith("omaha-server: cannot listen on " + at + ": ")
          .contains("in use");
    }
  }

  @Test
  void omahaServerWarnsOfAPayloadItsKeyDoesNotVerify() throws Exception {
    Release release = new Release(dir, "3900.0.0", 100_000);
    Proc.Result keygen = run("payload", "keygen", "--out", dir.resolve("k.pem").toString(),
        "--public-out", dir.resolve("k.pub.pem").toString());
    assertThat(keygen.exit()).isZero();
    Proc p = Proc.start(dir.resolve("server.log"), Map.of(), Repo.bin("omaha-server").toString(),
        "--listen", "127.0.0.1:0", "--channel", "stable", "--version", "3900.0.0", "--payload",
        release.payload.toString(), "--public-key", dir.resolve("k.pub.pem").toString());
    try (p) {
      p.await(LONG, "the server to listen", l -> l.contains("omaha-server: listening"));
      assertThat(p.log()).contains("omaha-server: warning: " + release.payload
          + " does not verify under ");
    }
  }

  @Test
  void payloadSaysWhyAFileCannotBeReadAndRefusesBogusSignatures() throws Exception {
    Release release = new Release(dir, "3900.0.0", 1_200_000);
    Proc.Result missing = run("payload", "show", dir.resolve("nofile.gz").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("payload show: " + dir.resolve("nofile.gz")
        + ": No such file or directory\n");
    byte[] whole = Files.readAllBytes(release.payload);
    Path cut = Files.write(dir.resolve("cut.gz"), java.util.Arrays.copyOf(whole, 600_000));
    Proc.Result show = run("payload", "show", cut.toString());
    assertThat(show.exit()).isEqualTo(1);
    assertThat(show.err()).startsWith("payload show: the file ends early: it is 600000 bytes,"
        + " the payload " + whole.length + " (the file ends at byte 600000, inside the"
        + " operation data)");
    for (String cmd : new String[] {"show", "verify", "apply", "sign", "generate", "hash"}) {
      Proc.Result help = run("payload", cmd, "--help");
      assertThat(help.exit()).as(cmd).isZero();
      assertThat(help.out()).as(cmd).startsWith("Usage: payload " + cmd);
    }
    assertThat(run("payload", "help", "verify").out()).startsWith("Usage: payload verify");

    Path unsigned = dir.resolve("u.unsigned");
    Files.write(dir.resolve("u.img"), release.image);
    assertThat(run("payload", "generate", "--image", dir.resolve("u.img").toString(), "--out",
        unsigned.toString()).exit()).isZero();
    Path six = Files.write(dir.resolve("six.sig"), new byte[6]);
    Proc.Result tiny = run("payload", "sign", "--signatures", six.toString(), "--out",
        dir.resolve("s.gz").toString(), unsigned.toString());
    assertThat(tiny.exit()).isEqualTo(1);
    assertThat(tiny.err()).startsWith("payload sign: signature " + six + " is 6 bytes; an RSA"
        + " signature is as long as its key");
    Path wrong = Files.write(dir.resolve("wrong.sig"), new byte[256]);
    Proc.Result bad = run("payload", "sign", "--signatures", wrong.toString(), "--public-key",
        Repo.TESTDATA.resolve("flatcar-developer-v1.pub.pem").toString(), "--out",
        dir.resolve("s.gz").toString(), unsigned.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).startsWith("payload sign: ").contains("error 18");
    assertThat(dir.resolve("s.gz")).as("nothing written").doesNotExist();
  }

  @Test
  void cgptShowOnADirectorySaysItIsNoDisk() throws Exception {
    Proc.Result r = run("cgpt", "show", dir.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains(dir + " is a directory, not a disk");
  }
}
