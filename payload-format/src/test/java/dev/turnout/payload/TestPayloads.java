package dev.turnout.payload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import java.util.Random;

/** Images, keys and payloads for tests, made on the fly in a temp dir. */
final class TestPayloads {
  static final Path TESTDATA = locateTestdata();
  static final Path DEV_KEY = TESTDATA.resolve("flatcar-developer-v1.key.pem");
  static final Path DEV_PUB = TESTDATA.resolve("flatcar-developer-v1.pub.pem");

  private TestPayloads() {}

  /** The developer key pair, carried in this module's test resources. */
  private static Path locateTestdata() {
    Path dir = Path.of("src/test/resources/keys").toAbsolutePath();
    if (!Files.isRegularFile(dir.resolve("flatcar-developer-v1.pub.pem"))) {
      throw new IllegalStateException("test keys not found in " + dir);
    }
    return dir;
  }

  /** Mixed content: random runs, zero runs and text, as a file system image has. */
  static byte[] mixedContent(int size, long seed) {
    Random r = new Random(seed);
    byte[] b = new byte[size];
    byte[] text = ("Flatcar Container Linux by Kinvolk\nID=flatcar\nVERSION=4081.2.0\n")
        .getBytes(StandardCharsets.US_ASCII);
    int at = 0;
    while (at < size) {
      int run = Math.min(size - at, 1 + r.nextInt(300_000));
      switch (r.nextInt(3)) {
        case 0 -> {
          byte[] chunk = new byte[run];
          r.nextBytes(chunk);
          System.arraycopy(chunk, 0, b, at, run);
        }
        case 1 -> { } // zeros
        default -> {
          for (int i = 0; i < run; i++) {
            b[at + i] = text[i % text.length];
          }
        }
      }
      at += run;
    }
    return b;
  }

  static Keys.TrustedKey devPublic() throws IOException {
    return Keys.readPublic(DEV_PUB);
  }

  static PrivateKey devPrivate() throws IOException {
    return Keys.readPrivate(DEV_KEY);
  }

  /** Generates and signs (with {@code keys}, last = version 2) a payload of {@code image}. */
  static Path payload(Path dir, byte[] image, byte[] kernel, List<PrivateKey> keys)
      throws IOException {
    Path img = Files.write(dir.resolve("usr.img"), image);
    Path k = kernel == null ? null : Files.write(dir.resolve("vmlinuz"), kernel);
    Path unsigned = dir.resolve("update.unsigned");
    new PayloadGenerator(2).generate(img, k, unsigned);
    if (keys.isEmpty()) {
      return unsigned;
    }
    Path signed = dir.resolve("update.gz");
    PayloadSigner.sign(unsigned, keys, signed);
    return signed;
  }
}
