package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What must hold whatever happened: (1) the booted USR partition's bytes and attributes never
 * change; (2) the target is bootable only if it holds the fully verified release; (3) the GPT
 * reads valid after repair; (4) the daemon answers and is IDLE or UPDATED_NEED_REBOOT, from where
 * the next check can run. (No process outliving its test is checked by the rig's teardown.)
 */
final class Invariant {
  private Invariant() {}

  static void check(RigTest rig, long bootedAttributes, Release release) throws Exception {
    checkDisk(rig, bootedAttributes, release);
    Proc.Result status = rig.client("-status");
    assertThat(status.exit()).as("the daemon answers: " + status.err()).isZero();
    assertThat(status.out()).containsAnyOf("CURRENT_OP=UPDATE_STATUS_IDLE\n",
        "CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\n");
  }

  /** (1) to (3): what the disk must look like, even right after a crash. */
  static void checkDisk(RigTest rig, long bootedAttributes, Release release) throws Exception {
    Machine m = rig.machine;
    assertThat(m.usrAUntouched()).as("booted USR-A bytes unchanged").isTrue();
    assertThat(m.entry(3).attributes().raw()).as("booted USR-A attributes unchanged")
        .isEqualTo(bootedAttributes);
    GptEntry target = m.entry(4);
    if (target.attributes().bootable()) {
      assertThat(release).as("USR-B is bootable, so a verified release must be in it").isNotNull();
      assertThat(m.usrB(release.image.length)).as("bootable USR-B holds the verified image")
          .isEqualTo(release.image);
      assertThat(Files.readAllBytes(m.path("/boot/flatcar/vmlinuz-b"))).isEqualTo(release.kernel);
    }
    Path copy = rig.dir.resolve("invariant-copy.img");
    Files.copy(m.disk, copy, StandardCopyOption.REPLACE_EXISTING);
    try (GptDisk d = GptDisk.open(copy, true)) {
      d.repair();
      assertThat(d.inspect().fullyValid()).as("GPT valid after repair").isTrue();
    } finally {
      Files.deleteIfExists(copy);
    }
  }
}
