package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The man pages and bash completions the build makes (packaging/target) render and parse. */
class ManPagesTest {
  static final Path PACKAGING = Repo.ROOT.resolve("packaging/target");

  @Test
  void everyToolHasAManPageManRenders() throws Exception {
    boolean present = Files.isExecutable(Path.of("/usr/bin/man"));
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("man is missing; .ci/run installs package man-db");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(present, "man not installed (apt-get install"
        + " man-db)");
    for (String[] page : new String[][] {{"update_engine", "daemon"},
        {"update_engine_client", "Check for and apply updates"}, {"cgpt", "A/B boot attributes"},
        {"payload", "CrAU"}, {"payload-verify", "signature"}, {"omaha-server", "Omaha"}}) {
      Path file = PACKAGING.resolve("man/" + page[0] + ".1");
      assertThat(file).as("built by the packaging module").isRegularFile();
      Proc.Result r = Proc.run(Duration.ofSeconds(30), Map.of("MANWIDTH", "100"), "man", "-l",
          file.toString());
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).contains("NAME").contains(page[0]).contains(page[1]);
    }
  }

  @Test
  void theCompletionsAreBashThatDefinesACompletion() throws Exception {
    for (String tool : new String[] {"update_engine", "update_engine_client", "cgpt", "payload",
        "omaha-server"}) {
      Path file = PACKAGING.resolve("completion/" + tool);
      assertThat(file).isRegularFile();
      Proc.Result r = Proc.run(Duration.ofSeconds(30), Map.of(), "bash", "-c",
          "source " + file + " && complete -p " + tool);
      assertThat(r.exit()).as(tool + ": " + r.err()).isZero();
      assertThat(r.out()).contains(tool);
    }
  }
}
