package dev.turnout.gpt.cli;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.GptError;
import dev.turnout.gpt.GptInspection;
import dev.turnout.gpt.GptLayout;
import dev.turnout.gpt.Guids;
import dev.turnout.gpt.PartitionTypes;
import java.io.IOException;
import java.nio.file.Path;

/** {@code cgpt show}: seismograph's {@code CgptShow}, output byte for byte. */
final class ShowCommand extends CgptCommand {
  boolean numeric;
  boolean verbose;
  boolean quick;
  boolean debug;
  String partitionText;

  /** The one value to print with -i; the last of -b -s -t -u -l -S -T -P -A given wins. */
  char item;

  private int partition;

  @Override
  String options() {
    return "nvqdi:bstulSTPA";
  }

  @Override
  void option(char letter, String value) {
    switch (letter) {
      case 'n' -> numeric = true;
      case 'v' -> verbose = true;
      case 'q' -> quick = true;
      case 'd' -> debug = true;
      case 'i' -> partitionText = value;
      default -> item = letter; // the last of -b -s -t -u -l -S -T -P -A wins
    }
  }

  @Override
  String usage() {
    return """

        Usage: cgpt show [OPTIONS] DRIVE

        Display the GPT table

        Options:
          -n           Numeric output only
          -v           Verbose output
          -q           Quick output
          -i NUM       Show specified partition only - pick one of:
                       -b  beginning sector
                       -s  partition size
                       -t  type guid
                       -u  unique guid
                       -l  label
                       -S  Successful flag
                       -T  Tries flag
                       -P  Priority flag
                       -A  raw 64-bit attribute value
          -d           Debug output (including invalid headers)

        """;
  }

  @Override
  void validate() {
    if (partitionText != null) {
      Long v = number('i', partitionText);
      partition = v == null ? 0 : (int) Math.min(v, Integer.MAX_VALUE);
    }
  }

  @Override
  int run() throws IOException {
    if (!requireDrive()) {
      out.print(usage());
      return 1;
    }
    PartitionDevices.Target target = PartitionDevices.resolve(drive(), partition);
    partition = target.partition();
    GptInspection g;
    try (GptDisk disk = GptDisk.open(Path.of(target.disk()), false)) {
      g = disk.inspect();
    }
    if (g.sanity() != GptError.SUCCESS) {
      error(String.format("GptSanityCheck() returned %d: %s", g.sanity().code, g.sanity().symbol()));
      details(g.problems());
      return 1;
    }
    EntryPrinter p = new EntryPrinter(out);
    if (partition != 0) {
      if (partition > g.numberOfEntries()) {
        error("invalid partition number: " + partition);
        return 1;
      }
      GptEntry e = g.entries().get(partition - 1);
      if (item != 0) {
        out.print(single(e) + "\n");
      } else {
        p.title();
        p.entry(e, numeric);
      }
    } else if (quick) {
      for (GptEntry e : g.entries()) {
        if (e.used()) {
          String type = numeric ? Guids.upper(e.type())
              : PartitionTypes.describe(e.type()).orElse(Guids.upper(e.type()));
          p.partitionLine(e, type);
        }
      }
    } else {
      table(g, p);
    }
    if (!g.fullyValid()) {
      err.print("\nWARNING: one of the GPT header/entries is invalid, please run 'cgpt repair'\n");
      details(g.problems());
    }
    return 0;
  }

  private String single(GptEntry e) {
    return switch (item) {
      case 'b' -> Long.toString(e.firstLba());
      case 's' -> Long.toString(e.lastLba() - e.firstLba() + 1);
      case 't' -> Guids.upper(e.type());
      case 'u' -> Guids.upper(e.unique());
      case 'l' -> e.label();
      case 'S' -> e.attributes().successful() ? "1" : "0";
      case 'T' -> Integer.toString(e.attributes().tries());
      case 'P' -> Integer.toString(e.attributes().priority());
      case 'A' -> "0x" + Long.toHexString(e.attributes().raw());
      default -> throw new IllegalStateException("no item " + item);
    };
  }

  private void table(GptInspection g, EntryPrinter p) {
    long sectors = g.sectors();
    p.title();
    p.structure(0, 1, "", g.pmbrDescription());
    p.structure(1, 1, g.primaryHeaderValid() ? "" : "INVALID", "Pri GPT header");
    if (debug || g.primaryHeaderValid() && verbose) {
      p.header(g.primaryHeader(), g.primaryHeaderCrc(), g.primaryArrayCrc(), numeric);
    }
    p.structure(2, GptLayout.ENTRIES_SECTORS, g.primaryArrayValid() ? "" : "INVALID",
        "Pri GPT table");
    if (debug || g.primaryArrayValid()) {
      entries(p, g.primaryEntries(), g.numberOfEntries());
    }
    p.structure(GptLayout.backupEntriesLba(sectors), GptLayout.ENTRIES_SECTORS,
        g.secondaryArrayValid() ? "" : "INVALID", "Sec GPT table");
    if (debug || g.secondaryArrayValid() && (!g.primaryArrayValid() || !g.arraysIdentical())) {
      entries(p, g.secondaryEntries(), g.numberOfEntries());
    }
    if (g.secondaryHeaderValid()) {
      p.structure(GptLayout.backupHeaderLba(sectors), 1, "", "Sec GPT header");
    } else {
      // seismograph prints an invalid backup header at LBA 1, and so do we.
      p.structure(1, 1, "INVALID", "Sec GPT header");
    }
    if (debug || g.secondaryHeaderValid()
        && (!g.primaryHeaderValid() || !g.headersSynonymous()) && verbose) {
      p.header(g.secondaryHeader(), g.secondaryHeaderCrc(), g.secondaryArrayCrc(), numeric);
    }
  }

  private void entries(EntryPrinter p, java.util.List<GptEntry> list, int count) {
    for (int i = 0; i < Math.min(count, list.size()); i++) {
      if (list.get(i).used()) {
        p.entry(list.get(i), numeric);
      }
    }
  }
}
