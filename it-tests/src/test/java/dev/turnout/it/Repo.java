package dev.turnout.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the checkout, its launchers and the test keys are. */
final class Repo {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  static final Path BIN = ROOT.resolve("bin");
  static final Path TESTDATA = locateTestdata();

  private Repo() {}

  static Path bin(String name) {
    return BIN.resolve(name);
  }

  /** The developer key pair that payload-format's tests carry. */
  private static Path locateTestdata() {
    Path dir = ROOT.resolve("payload-format/src/test/resources/keys");
    if (!Files.isRegularFile(dir.resolve("flatcar-developer-v1.key.pem"))) {
      throw new IllegalStateException("test keys not found in " + dir);
    }
    return dir;
  }
}
