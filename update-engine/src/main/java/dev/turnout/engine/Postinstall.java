package dev.turnout.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Built-in postinstall: the verified kernel moves into place ({@code /boot/flatcar/vmlinuz-a|b}),
 * then the executable hooks in {@code /etc/turnout/postinst.d/} and
 * {@code /usr/lib/turnout/postinst.d/} run with the target device and the new version. A hook
 * that fails fails the update (error 5; exit 3 is error 19, as update_engine maps it), and the
 * target stays unbootable. The record learns first that the staged kernel is consumed (its
 * checkpoint counts on it: an attempt cut off from here on starts the download afresh).
 */
final class Postinstall implements Stage {
  private final SystemPaths paths;
  private final Hooks hooks;
  private final AttemptRecord record;

  public Postinstall(SystemPaths paths, Hooks hooks, AttemptRecord record) {
    this.paths = paths;
    this.hooks = hooks;
    this.record = record;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "running postinstall for " + plan.slot().target().label();
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    try {
      record.kernelConsumed(plan.response());
      if (plan.result().kernelSize() >= 0) {
        Durable.createDirectories(plan.kernelPath().getParent());
        Files.move(plan.kernelStaging(), plan.kernelPath(), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        // The new slot becomes bootable next: its kernel's name must be on disk before that.
        Durable.forceDirectory(plan.kernelPath().getParent());
      } else {
        // A payload without a kernel (an extension, or a USR-only update) stages nothing: the
        // empty file the download opened does not stay in /boot.
        Files.deleteIfExists(plan.kernelStaging());
      }
      Hooks.Failure f = hooks.runAll(List.of(paths.resolve("/etc/turnout/postinst.d"),
          paths.resolve("/usr/lib/turnout/postinst.d")),
          List.of(plan.slot().targetDevice(), plan.response().version()));
      if (f != null) {
        ErrorCode code = f.exitCode() == 3 ? ErrorCode.POSTINSTALL_BOOTED_FROM_FIRMWARE_B
            : ErrorCode.POSTINSTALL_RUNNER_ERROR;
        String how = f.exitCode() < 0 ? "did not finish in time" : "exited " + f.exitCode();
        throw new UpdateException(code, "postinstall hook " + f.hook() + " " + how
            + lastLine(f.output()), null);
      }
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.POSTINSTALL_RUNNER_ERROR, e.getMessage(), e);
    }
    return plan;
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines.length == 0 || lines[lines.length - 1].isBlank() ? ""
        : ": " + lines[lines.length - 1];
  }
}
