package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;

public class TransientLoaderTest {
  /** Set by the probe, so the test can watch its loader go without holding it. */
  public static volatile WeakReference<ClassLoader> lastLoader;

  @Test
  void theNamedPackagesAndTheFunctionsOwnComeFromTheLoaderEverythingElseFromTheParent() {
    String seen = TransientLoader.apply("dev.turnout.engine.probe.Probe", "hello",
        "picocli.");
    assertThat(seen).isEqualTo("hello transient transient app");
  }

  @Test
  void theLoaderAndItsClassesGoOnceTheFunctionHasReturned() throws InterruptedException {
    TransientLoader.apply("dev.turnout.engine.probe.Probe", "x", "picocli.");
    WeakReference<ClassLoader> loader = lastLoader;
    assertThat(loader.get()).isNotNull();
    for (int i = 0; i < 20 && loader.get() != null; i++) {
      System.gc();
      Thread.sleep(50);
    }
    assertThat(loader.get()).as("the transient loader, unreachable, is collected").isNull();
  }

  @Test
  void aClassItCannotFindIsAnErrorNamingIt() {
    assertThatThrownBy(() -> TransientLoader.apply("dev.turnout.engine.probe.Missing",
        "x")).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot load dev.turnout.engine.probe.Missing: ");
  }
}
