package dev.turnout.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the checkout, its launchers and the shared test data are. */
final class Repo {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  static final Path BIN = ROOT.resolve("bin");
  static final Path TESTDATA = locateTestdata();

  private Repo() {}

  static Path bin(String name) {
    return BIN.resolve(name);
  }

  private static Path locateTestdata() {
    for (Path p = ROOT; p != null; p = p.getParent()) {
      Path c = p.resolve("shared/testdata");
      if (Files.isDirectory(c)) {
        return c;
      }
      Path s = p.resolveSibling("shared").resolve("testdata");
      if (Files.isDirectory(s)) {
        return s;
      }
    }
    throw new IllegalStateException("shared/testdata not found above " + ROOT);
  }
}
