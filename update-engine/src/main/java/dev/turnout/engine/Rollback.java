package dev.turnout.engine;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Going back to the other USR partition by hand ({@code update_engine_client -rollback}): what
 * Flatcar's documentation has an operator do with {@code cgpt prioritize}, with the checks that
 * make it safe first. The other slot must be marked successful (it booted healthy before and was
 * not touched since: an update in progress or awaiting its reboot clears the bit), its kernel
 * must be in {@code /boot}, and it must not be the booted one. Then it is given the highest
 * priority, its attributes otherwise kept, in one crash-safe write; the booted slot keeps its
 * successful bit, so it stays the fallback.
 */
final class Rollback {
  private final SystemPaths paths;
  private final BootSlots slots;
  private final Disks disks;

  /** Why a rollback is not safe now, in one line. */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  /**
   * A rollback found safe.
   *
   * @param slot the booted slot and the one to go back to ({@code slot.target()})
   * @param kernel the other slot's kernel
   * @param alreadyNext whether the other slot is the next boot already
   */
  public record Plan(BootSlot slot, Path kernel, boolean alreadyNext) {
    /** "USR-A (partition 3, /dev/vda3)". */
    public String target() {
      return slot.target().label() + " (partition " + slot.target().number() + ", "
          + slot.targetDevice() + ")";
    }
  }

  public Rollback(SystemPaths paths, BootSlots slots, Disks disks) {
    this.paths = paths;
    this.slots = slots;
    this.disks = disks;
  }

  /** The checks, reading the disk as it is now; nothing is written. */
  public Plan plan() throws Refused {
    BootSlot slot;
    try {
      slot = slots.find();
    } catch (UpdateException e) {
      throw new Refused(e.getMessage());
    }
    try (GptDisk gpt = disks.gpt(slot.disk(), false)) {
      GptEntry other = gpt.entry(slot.target().number());
      if (other.number() == slot.booted().number()) {
        throw new Refused("the other USR partition is the booted one");
      }
      if (!other.attributes().successful()) {
        throw new Refused(other.label() + " (partition " + other.number() + ") is not marked"
            + " successful: it holds no release that booted healthy (priority "
            + other.attributes().priority() + ", tries " + other.attributes().tries() + ")");
      }
      Path kernel = Kernels.path(paths, slot.targetKernelSuffix());
      if (!Files.isRegularFile(kernel) || Files.size(kernel) == 0) {
        throw new Refused("no kernel for " + other.label() + " at " + kernel);
      }
      Optional<GptEntry> next = gpt.nextBoot();
      return new Plan(new BootSlot(slot.disk(), slot.booted(), other), kernel,
          next.isPresent() && next.get().number() == other.number());
    } catch (IOException e) {
      throw new Refused("cannot read the partition table of " + slot.disk() + ": "
          + e.getMessage());
    }
  }

  /** Makes {@code plan}'s slot the next boot: {@code cgpt prioritize} of it, one write. */
  public void apply(Plan plan) throws IOException {
    try (GptDisk gpt = disks.gpt(plan.slot().disk(), true)) {
      gpt.prioritize(plan.slot().target().number(), false, 0);
    }
  }
}
