package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.engine.UpdateEngineMain.Parsed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The daemon's command line, read as the daemon reads it: picocli in a loader of its own. */
class DaemonCommandLineTest {
  private static Parsed parse(String... args) {
    return TransientLoader.apply("dev.turnout.engine.cli.DaemonCommand", args, "picocli.");
  }

  @Test
  void optionsComeBackAsTheDaemonsOwnTypes() {
    Parsed p = parse("-foreground", "-logtostderr", "--root", "/srv/node", "--disk", "/dev/vda",
        "--first-check-delay", "5", "--mark-good-delay", "7", "--hook-timeout", "9");
    assertThat(p.exitCode()).isZero();
    Daemon.Options o = p.options();
    assertThat(o.root()).isEqualTo(Path.of("/srv/node"));
    assertThat(o.disk()).isEqualTo(Path.of("/dev/vda"));
    assertThat(o.firstCheckDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.markGoodDelay()).isEqualTo(Duration.ofSeconds(7));
    assertThat(o.hookTimeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(o.getClass().getClassLoader()).isSameAs(Daemon.class.getClassLoader());
  }

  @Test
  void defaultsAreFlatcarsOwn() {
    Daemon.Options o = parse().options();
    assertThat(o.root()).isEqualTo(Path.of("/"));
    assertThat(o.disk()).isNull();
    assertThat(o.firstCheckDelay()).as("chosen at random by the daemon").isNull();
    assertThat(o.markGoodDelay()).isEqualTo(Duration.ofSeconds(45));
    assertThat(o.hookTimeout()).isEqualTo(Duration.ofSeconds(600));
  }

  @Test
  void helpVersionAndMistakesAreAnsweredWithAnExitCodeAndNoDaemon() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    ByteArrayOutputStream complained = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(printed, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(complained, true, StandardCharsets.UTF_8)) {
      System.setOut(o);
      System.setErr(e);
      assertThat(parse("--version")).isEqualTo(Parsed.exit(0));
      assertThat(parse("--no-such-flag")).isEqualTo(Parsed.exit(2));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .isEqualTo("update_engine (Turnout) development build\n");
    assertThat(complained.toString(StandardCharsets.UTF_8))
        .contains("Unknown option: '--no-such-flag'\nUsage: update_engine ");
  }
}
