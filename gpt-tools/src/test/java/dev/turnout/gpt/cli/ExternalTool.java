package dev.turnout.gpt.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs tools nobody here wrote (sgdisk, sfdisk, Debian's cgpt) for interop checks. A missing tool
 * skips the test with the reason on a developer machine, and fails it in CI, where .ci/run installs it.
 */
final class ExternalTool {
  record Output(int exit, String out) {}

  private ExternalTool() {}

  static void require(String tool, String debianPackage) {
    boolean present = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin").stream()
        .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    if (!present && "true".equals(System.getenv("CI"))) {
      fail(tool + " is missing; .ci/run should have installed Debian package " + debianPackage);
    }
    Assumptions.assumeTrue(present, tool + " not installed (apt-get install " + debianPackage + ")");
  }

  static Output run(String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish");
    }
    return new Output(p.exitValue(), out);
  }
}
