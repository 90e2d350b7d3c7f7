package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.payload.PayloadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostinstallTest {
  @TempDir Path dir;
  FakeNode node;
  InstallPlan verified;

  @BeforeEach
  void setUp() throws Exception {
    node = new FakeNode(dir);
    TestRelease release = new TestRelease(dir, "1.1.0", 8192);
    Path kernel = node.paths.resolve("/boot/flatcar/vmlinuz-b");
    Files.createDirectories(kernel.getParent());
    verified = node.checked(release).withTarget(node.disks.slot(3), kernel,
        FakeNode.CODEBASE + "p.gz", null)
        .withResult(new PayloadResult(1, new byte[32], new byte[32], "k", 2, 8192, new byte[32],
            6, new byte[32], true));
    Files.writeString(verified.kernelStaging(), "kernel");
    node.prefs.setLong("update-state-next-operation", 2);
  }

  @Test
  void theKernelMovesIntoPlaceAndTheHooksHearTargetAndVersion() throws Exception {
    new Postinstall(node.paths, node.hooks, node.record).run(verified, StageSink.NONE);
    assertThat(verified.kernelPath()).hasContent("kernel");
    assertThat(verified.kernelStaging()).doesNotExist();
    assertThat(node.hooks.calls).singleElement().satisfies(c -> {
      assertThat(c.dirs()).containsExactly(node.paths.resolve("/etc/turnout/postinst.d"),
          node.paths.resolve("/usr/lib/turnout/postinst.d"));
      assertThat(c.args()).containsExactly("/dev/fake4", "1.1.0");
    });
    assertThat(node.prefs.getLong("update-state-next-operation"))
        .as("the checkpoint that pointed at the staged kernel is gone").hasValue(-1L);
  }

  @Test
  void aFailingHookIsError5WithItsNameAndLastLine() {
    node.hooks.failWith("/etc/turnout/postinst.d/20-oem", 1, "copying\nno room for the OEM sysext\n");
    assertThatThrownBy(() -> new Postinstall(node.paths, node.hooks, node.record).run(verified,
        StageSink.NONE)).isInstanceOfSatisfying(UpdateException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.POSTINSTALL_RUNNER_ERROR);
          assertThat(e).hasMessage("postinstall hook /etc/turnout/postinst.d/20-oem exited 1: no room"
              + " for the OEM sysext");
        });
  }

  @Test
  void exit3IsError19AndAHungHookSaysSo() throws Exception {
    node.hooks.failWith("/usr/lib/turnout/postinst.d/10-firmware", 3, "");
    assertThatThrownBy(() -> new Postinstall(node.paths, node.hooks, node.record).run(verified,
        StageSink.NONE)).isInstanceOfSatisfying(UpdateException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.POSTINSTALL_BOOTED_FROM_FIRMWARE_B));
    node.hooks.failWith("/usr/lib/turnout/postinst.d/30-slow", -1, "(killed after 600 s)");
    Files.writeString(verified.kernelStaging(), "kernel");
    assertThatThrownBy(() -> new Postinstall(node.paths, node.hooks, node.record).run(verified,
        StageSink.NONE)).hasMessageContaining("30-slow did not finish in time");
    assertThat(node.hooks.calls).hasSize(2);
    assertThat(List.of(verified.kernelPath())).allMatch(Files::exists);
  }

  @Test
  void aPayloadWithoutAKernelLeavesNoEmptyFileInBoot() throws Exception {
    // The download opens the staging file whatever the payload holds; one without a kernel
    // (kernel size -1) leaves it empty, and postinstall removes it, keeping the old kernel.
    Files.writeString(verified.kernelStaging(), "");
    Files.writeString(verified.kernelPath(), "the kernel USR-B had");
    InstallPlan noKernel = verified.withResult(new PayloadResult(1, new byte[32], new byte[32],
        "k", 2, 8192, new byte[32], -1, new byte[0], true));
    new Postinstall(node.paths, node.hooks, node.record).run(noKernel, StageSink.NONE);
    assertThat(verified.kernelStaging()).doesNotExist();
    assertThat(verified.kernelPath()).hasContent("the kernel USR-B had");
    assertThat(node.hooks.calls).hasSize(1);
  }
}
