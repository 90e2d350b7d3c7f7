package dev.turnout.engine.client;

import dev.turnout.engine.boot.BootSlot;
import dev.turnout.engine.boot.FileDisks;
import dev.turnout.engine.boot.KernelBootSlots;
import dev.turnout.engine.system.SystemPaths;
import dev.turnout.engine.status.UpdateException;
import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.Guids;
import dev.turnout.gpt.PartitionTypes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code update_engine_client -slots}: both USR partitions with their priority, tries and
 * successful bits, which one runs now and which one the bootloader picks next.
 */
final class Slots {
  private Slots() {}

  static int print(Path root, Path disk, PrintStream out) {
    BootSlot slot;
    try {
      slot = new KernelBootSlots(new SystemPaths(root), disk, new FileDisks()).find();
    } catch (UpdateException e) {
      System.err.println("update_engine_client: " + e.getMessage());
      return 1;
    }
    try (GptDisk gpt = GptDisk.open(slot.disk(), false)) {
      Optional<GptEntry> next = gpt.nextBoot();
      out.printf("%-6s %-8s %-9s %-9s %-6s %-11s %s%n", "SLOT", "LABEL", "PARTITION", "PRIORITY",
          "TRIES", "SUCCESSFUL", "STATE");
      for (GptEntry e : gpt.entries()) {
        if (!e.used() || !PartitionTypes.isUsr(e.type())) {
          continue;
        }
        String state = "";
        if (e.number() == slot.booted().number()) {
          state = "booted";
        }
        if (next.isPresent() && next.get().number() == e.number()) {
          state = state.isEmpty() ? "next boot" : state + ", next boot";
        }
        if (!e.attributes().bootable()) {
          state = state.isEmpty() ? "not bootable" : state + ", not bootable";
        }
        out.printf("%-6s %-8s %-9d %-9d %-6d %-11s %s%n",
            e.label().startsWith("USR-") ? e.label().substring(4) : "-", e.label(), e.number(),
            e.attributes().priority(), e.attributes().tries(),
            e.attributes().successful() ? "yes" : "no", state);
      }
      out.printf("booted PARTUUID %s on %s%n", Guids.lower(slot.booted().unique()), slot.disk());
      return 0;
    } catch (IOException e) {
      System.err.println("update_engine_client: " + e.getMessage());
      return 1;
    }
  }
}
