package dev.turnout.gpt.cli;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.GptError;
import dev.turnout.gpt.GptInspection;
import dev.turnout.gpt.Guids;
import dev.turnout.gpt.PartitionTypes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * {@code cgpt find}: print the partitions matching a unique GUID, type or label, as DRIVE followed by
 * the partition number ({@code img3}, {@code /dev/sda3}, {@code /dev/mmcblk0p3}). Without a DRIVE
 * it scans every whole disk in /proc/partitions. Exit 0 when something matched (exactly one with -1).
 */
final class FindCommand extends CgptCommand {
  String typeText;
  String uniqueText;
  String label;
  int verbose;
  boolean numeric;
  boolean oneOnly;
  String matchFile;
  String offsetText;

  private UUID type;
  private UUID unique;
  private byte[] match;
  private long matchOffset;
  private int hits;

  @Override
  String options() {
    return "t:u:l:vn1M:O:";
  }

  @Override
  void option(char letter, String value) {
    switch (letter) {
      case 't' -> typeText = value;
      case 'u' -> uniqueText = value;
      case 'l' -> label = value;
      case 'v' -> verbose++;
      case 'n' -> numeric = true;
      case '1' -> oneOnly = true;
      case 'M' -> matchFile = value;
      default -> offsetText = value;
    }
  }

  @Override
  String usage() {
    return """

        Usage: cgpt find [OPTIONS] [DRIVE]

        Find a partition by its UUID or label. With no specified DRIVE
        it scans all physical drives.

        Options:
          -t GUID      Search for Partition Type GUID
          -u GUID      Search for Partition Unique ID
          -l LABEL     Search for Label
          -v           Be verbose in displaying matches (repeatable)
          -n           Numeric output only
          -1           Fail if more than one match is found
          -M FILE      Match partition content from FILE
          -O NUM       Byte offset into partition to match content (default 0)

        """;
  }

  @Override
  void validate() {
    if (typeText != null) {
      type = PartitionTypes.resolve(typeText).orElse(null);
      if (type == null) {
        error("invalid argument to -t: " + typeText);
      }
    }
    if (uniqueText != null) {
      try {
        unique = Guids.parse(uniqueText);
      } catch (IllegalArgumentException e) {
        error("invalid argument to -u: " + uniqueText);
      }
    }
    if (offsetText != null) {
      Long v = number('O', offsetText);
      matchOffset = v == null ? 0 : v;
    }
    if (matchFile != null) {
      try {
        match = Files.readAllBytes(Path.of(matchFile));
      } catch (IOException e) {
        error("Unable to read from " + matchFile + ": " + e.getMessage());
      }
    }
    if (type == null && unique == null && label == null && typeText == null
        && uniqueText == null) {
      error("You must specify at least one of -t, -u, or -l");
    }
  }

  @Override
  int run() throws IOException {
    if (drive() != null) {
      search(drive());
    } else {
      for (String disk : wholeDisks()) {
        search(disk);
      }
    }
    if (oneOnly && hits > 1) {
      return 1;
    }
    return hits > 0 ? 0 : 1;
  }

  private void search(String drive) throws IOException {
    GptInspection g;
    try (GptDisk disk = GptDisk.open(Path.of(drive), false)) {
      g = disk.inspect();
    } catch (IOException e) {
      return;
    }
    if (g.sanity() != GptError.SUCCESS) {
      return;
    }
    for (GptEntry e : g.entries().subList(0, Math.min(g.numberOfEntries(), g.entries().size()))) {
      if (!e.used()) {
        continue;
      }
      boolean found = unique != null && unique.equals(e.unique())
          || type != null && type.equals(e.type())
          || label != null && label.equals(e.label());
      if (found && contentMatches(drive, e)) {
        hits++;
        String format = drive.startsWith("/dev/mmcblk") ? "%sp%d" : "%s%d";
        out.print(numeric ? e.number() + "\n" : String.format(format, drive, e.number()) + "\n");
        if (verbose > 0) {
          new EntryPrinter(out).entry(e, numeric);
        }
      }
    }
  }

  private boolean contentMatches(String drive, GptEntry e) throws IOException {
    if (match == null || match.length == 0) {
      return true;
    }
    if (matchOffset + match.length > e.byteLength()) {
      return false;
    }
    byte[] actual = new byte[match.length];
    try (FileChannel ch = FileChannel.open(Path.of(drive))) {
      ByteBuffer buf = ByteBuffer.wrap(actual);
      long pos = e.byteOffset() + matchOffset;
      while (buf.hasRemaining()) {
        if (ch.read(buf, pos + buf.position()) < 0) {
          error("unable to read partition data");
          return false;
        }
      }
    }
    return Arrays.equals(actual, match);
  }

  /** Whole disks from /proc/partitions: block devices that have a /sys/block entry. */
  private static List<String> wholeDisks() throws IOException {
    List<String> disks = new ArrayList<>();
    Path proc = Path.of("/proc/partitions");
    if (!Files.isReadable(proc)) {
      return disks;
    }
    for (String line : Files.readAllLines(proc)) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 4 && f[0].matches("\\d+") && Files.exists(Path.of("/sys/block", f[3]))) {
        disks.add("/dev/" + f[3]);
      }
    }
    return disks;
  }
}
