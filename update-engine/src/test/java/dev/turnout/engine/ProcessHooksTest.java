package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessHooksTest {
  @TempDir Path dir;

  private Path hook(String d, String name, String body) throws Exception {
    Path p = dir.resolve(d).resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void hooksRunInNameOrderAndAnEarlierDirectoryHidesTheSameName() throws Exception {
    Path log = dir.resolve("log");
    hook("etc", "20-b", "echo etc-b \"$1\" >> " + log);
    hook("usr", "20-b", "echo usr-b >> " + log);
    hook("usr", "10-a", "echo usr-a \"$2\" >> " + log);
    Files.writeString(dir.resolve("usr/30-not-executable"), "#!/bin/sh\nexit 1\n");
    Hooks.Failure f = new ProcessHooks(Map.of(), Duration.ofSeconds(10))
        .runAll(List.of(dir.resolve("etc"), dir.resolve("usr"), dir.resolve("missing")),
            List.of("/dev/sda4", "1.1.0"));
    assertThat(f).isNull();
    assertThat(Files.readAllLines(log)).containsExactly("usr-a 1.1.0", "etc-b /dev/sda4");
  }

  @Test
  void aHookSeesOnlyThePassedEnvironmentAndItsFailureStopsTheRest() throws Exception {
    hook("d", "10-env", "echo \"path=$PATH proxy=$HTTPS_PROXY secret=$SECRET\"; exit 4");
    Path after = dir.resolve("after");
    hook("d", "20-after", "touch " + after);
    Hooks.Failure f = new ProcessHooks(Map.of("PATH", "/usr/bin:/bin", "HTTPS_PROXY",
        "http://proxy:3128", "SECRET", "x"), Duration.ofSeconds(10))
        .runAll(List.of(dir.resolve("d")), List.of());
    assertThat(f.exitCode()).isEqualTo(4);
    assertThat(f.hook().getFileName()).hasToString("10-env");
    assertThat(f.output()).contains("path=/usr/bin:/bin proxy=http://proxy:3128 secret=\n");
    assertThat(after).doesNotExist();
  }

  @Test
  void aHookThatNeverEndsIsKilledWithWhatItStartedAtTheTimeout() throws Exception {
    Path pid = dir.resolve("child.pid");
    // The child keeps the hook's output open: reading to the end would never return.
    hook("d", "10-hang", "echo started; sleep 300 & echo $! > " + pid + "; wait");
    long start = System.nanoTime();
    Hooks.Failure f = new ProcessHooks(Map.of(), Duration.ofMillis(500))
        .runAll(List.of(dir.resolve("d")), List.of());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(f.exitCode()).isEqualTo(-1);
    assertThat(f.output()).contains("started").contains("killed after");
    long child = Long.parseLong(Files.readString(pid).strip());
    for (int i = 0; i < 100 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false);
        i++) {
      Thread.sleep(50);
    }
    assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
        .as("the hook's child is gone too").isFalse();
  }
}
