package dev.turnout.engine;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.Guids;
import dev.turnout.gpt.PartitionTypes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code update_engine_client -slots}: both USR partitions with their priority, tries and
 * successful bits, which one runs now and which one the bootloader picks next.
 */
final class Slots {
  private Slots() {}

  /** Prints the slots as a table, or as JSON; exit status 0, or 1 with a one-line error. */
  static int print(Path root, Path disk, boolean json, PrintStream out) {
    BootSlot slot;
    try {
      slot = new KernelBootSlots(new SystemPaths(root), disk, new FileDisks()).find();
    } catch (UpdateException e) {
      System.err.println("update_engine_client: " + e.getMessage());
      return 1;
    }
    try (GptDisk gpt = GptDisk.open(slot.disk(), false)) {
      Optional<GptEntry> next = gpt.nextBoot();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (GptEntry e : gpt.entries()) {
        if (!e.used() || !PartitionTypes.isUsr(e.type())) {
          continue;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("slot", e.label().startsWith("USR-") ? e.label().substring(4) : "-");
        r.put("label", e.label());
        r.put("partition", e.number());
        r.put("priority", e.attributes().priority());
        r.put("tries", e.attributes().tries());
        r.put("successful", e.attributes().successful());
        r.put("booted", e.number() == slot.booted().number());
        r.put("next_boot", next.isPresent() && next.get().number() == e.number());
        r.put("bootable", e.attributes().bootable());
        rows.add(r);
      }
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("disk", slot.disk().toString());
        doc.put("booted_partuuid", Guids.lower(slot.booted().unique()));
        doc.put("slots", rows);
        ExtensionsView ext = extensions(root);
        doc.put("extensions", ext == null ? null : ext.json());
        out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(doc));
        return 0;
      }
      out.printf("%-6s %-8s %-9s %-9s %-6s %-11s %s%n", "SLOT", "LABEL", "PARTITION", "PRIORITY",
          "TRIES", "SUCCESSFUL", "STATE");
      for (Map<String, Object> r : rows) {
        List<String> state = new ArrayList<>();
        if ((boolean) r.get("booted")) {
          state.add("booted");
        }
        if ((boolean) r.get("next_boot")) {
          state.add("next boot");
        }
        if (!(boolean) r.get("bootable")) {
          state.add("not bootable");
        }
        out.printf("%-6s %-8s %-9d %-9d %-6d %-11s %s%n", r.get("slot"), r.get("label"),
            r.get("partition"), r.get("priority"), r.get("tries"),
            (boolean) r.get("successful") ? "yes" : "no", String.join(", ", state));
      }
      out.printf("booted PARTUUID %s on %s%n", Guids.lower(slot.booted().unique()), slot.disk());
      ExtensionsView ext = extensions(root);
      if (ext != null && ext.any()) {
        out.println();
        ext.print(out);
      }
      return 0;
    } catch (IOException e) {
      System.err.println("update_engine_client: " + e.getMessage());
      return 1;
    }
  }

  private static ExtensionsView extensions(Path root) {
    try {
      return ExtensionsView.of(root);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * How to undo what an installed update did to the partition table: put the booted partition
   * first again. Flatcar's client prints {@code cgpt p -i$((N-1))}, ChromeOS's layout, which on
   * Flatcar's names the wrong partition; this names the one on this disk.
   */
  static String undoHint(Path root, Path disk) {
    try {
      BootSlot slot = new KernelBootSlots(new SystemPaths(root), disk, new FileDisks()).find();
      return "cgpt prioritize -i " + slot.booted().number() + " " + slot.disk() + "    # "
          + slot.booted().label() + ", the running system";
    } catch (UpdateException e) {
      return "cgpt prioritize -i N DISK    # N: the running USR partition (" + e.getMessage()
          + ")";
    }
  }
}
