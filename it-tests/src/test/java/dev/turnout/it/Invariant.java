package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.PartitionAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What must hold whatever happened: (1) the booted USR partition's bytes and attributes never
 * change (USR-A, or whichever slot the machine last booted), but for the priority that
 * {@code cgpt prioritize} lowers below a verified target, as Flatcar's does; (2) the target is bootable only if it holds the fully verified release; (3) the GPT
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
    String booted = m.booted() == 3 ? "USR-A" : "USR-B";
    String other = m.booted() == 3 ? "USR-B" : "USR-A";
    assertThat(m.bootedUntouched()).as("booted " + booted + " bytes unchanged").isTrue();
    PartitionAttributes now = m.entry(m.booted()).attributes();
    GptEntry target = m.entry(m.target());
    PartitionAttributes before = new PartitionAttributes(bootedAttributes);
    if (target.attributes().bootable() && now.priority() != before.priority()) {
      // cgpt prioritize ranks a verified target first by lowering the others where it must; the
      // booted slot stays the fallback: still bootable, every other bit as it was.
      assertThat(now.priority()).as("booted " + booted + " priority, lowered below the target")
          .isBetween(1, before.priority()).isLessThan(target.attributes().priority());
      assertThat(now.withPriority(before.priority())).as("booted " + booted + " attributes")
          .isEqualTo(before);
    } else {
      assertThat(now.raw()).as("booted " + booted + " attributes unchanged")
          .isEqualTo(bootedAttributes);
    }
    if (target.attributes().bootable()) {
      assertThat(release).as(other + " is bootable, so a verified release must be in it")
          .isNotNull();
      assertThat(m.usr(m.target(), release.image.length))
          .as("bootable " + other + " holds the verified image").isEqualTo(release.image);
      assertThat(Files.readAllBytes(m.path("/boot/flatcar/vmlinuz-"
          + (m.target() == 3 ? "a" : "b")))).isEqualTo(release.kernel);
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

  /**
   * (5) for the extensions: the running version's images are where they were, and the target is
   * bootable only with every wanted image of the new version in place, byte for byte.
   */
  static void checkExtensions(Machine m, String bootedVersion, java.util.List<Sysext> next)
      throws Exception {
    for (Sysext s : next) {
      Path booted = m.path(s.finalPath().replace("-" + s.version + ".raw", "-" + bootedVersion
          + ".raw"));
      assertThat(booted).as("the running system's " + s.id).exists();
      if (m.entry(m.target()).attributes().bootable()) {
        assertThat(m.path(s.finalPath())).as("the target is bootable, so " + s.id + " of "
            + s.version + " is in place").exists();
        assertThat(Files.readAllBytes(m.path(s.finalPath()))).as(s.id).isEqualTo(s.image);
      }
    }
  }
}
