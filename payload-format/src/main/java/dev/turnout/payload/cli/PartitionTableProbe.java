package dev.turnout.payload.cli;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether a payload target is a whole disk: a GPT header ({@code EFI PART} at 512 or 4096) or an
 * MBR with partitions. A partition's file system starts otherwise (ext4 and btrfs leave the first
 * kilobyte to the boot loader, squashfs and erofs have their own magic there or later).
 */
final class PartitionTableProbe {
  private PartitionTableProbe() {}

  /** What the target holds ("a GPT with USR-A, USR-B"), or null when it holds no table. */
  static String describe(Path target) throws IOException {
    if (!Files.exists(target)) {
      return null;
    }
    ByteBuffer b = ByteBuffer.allocate(4608);
    try (FileChannel ch = FileChannel.open(target)) {
      while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
        // the first sectors, or as much as there is
      }
    }
    byte[] d = b.array();
    int n = b.position();
    for (int at : new int[] {512, 4096}) {
      if (n >= at + 8 && "EFI PART".equals(new String(d, at, 8, StandardCharsets.US_ASCII))) {
        return "a GPT" + labels(target);
      }
    }
    if (n >= 512 && (d[510] & 0xff) == 0x55 && (d[511] & 0xff) == 0xaa) {
      for (int i = 0; i < 4; i++) {
        int type = d[446 + 16 * i + 4] & 0xff;
        if (type != 0) {
          return type == 0xee ? "a protective MBR (a GPT disk)"
              : "an MBR partition table (partition " + (i + 1) + " of type 0x"
                  + Integer.toHexString(type) + ")";
        }
      }
    }
    return null;
  }

  private static String labels(Path target) {
    try (GptDisk disk = GptDisk.open(target, false)) {
      List<GptEntry> used = disk.entries().stream().filter(GptEntry::used).toList();
      if (used.isEmpty()) {
        return " (no partitions)";
      }
      return " with partitions " + used.stream().map(e -> e.number() + " " + (e.label().isEmpty()
          ? "(no label)" : e.label())).collect(Collectors.joining(", "));
    } catch (IOException | RuntimeException e) {
      return " (its entries unreadable: " + e.getMessage() + ")";
    }
  }
}
