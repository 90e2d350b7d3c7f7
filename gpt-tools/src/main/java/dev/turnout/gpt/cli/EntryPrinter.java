package dev.turnout.gpt.cli;

import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.GptHeader;
import dev.turnout.gpt.Guids;
import dev.turnout.gpt.PartitionAttributes;
import dev.turnout.gpt.PartitionTypes;
import java.io.PrintStream;

/**
 * The line formats of seismograph's {@code cgpt_show.c}, byte for byte: columns {@code %12s%12s%8s}
 * then two spaces, GUIDs upper case, a partition's extra lines indented 34 columns.
 */
final class EntryPrinter {
  static final String INDENT = " ".repeat(34);

  private final PrintStream out;

  EntryPrinter(PrintStream out) {
    this.out = out;
  }

  void title() {
    out.print(String.format("%12s%12s%8s  %s\n", "start", "size", "part", "contents"));
  }

  /** A table row for a GPT structure: start, size, a marker ("" or INVALID), what it is. */
  void structure(long start, long size, String marker, String what) {
    out.print(String.format("%12s%12s%8s  %s\n", Long.toUnsignedString(start),
        Long.toUnsignedString(size), marker, what));
  }

  /** The first line of a partition: start, size, number, contents. */
  void partitionLine(GptEntry e, String contents) {
    out.print(String.format("%12s%12s%8d  %s\n", Long.toUnsignedString(e.firstLba()),
        Long.toUnsignedString(e.lastLba() - e.firstLba() + 1), e.number(), contents));
  }

  private void more(String key, String value) {
    out.print(INDENT + key + value + "\n");
  }

  /** seismograph {@code EntryDetails}. */
  void entry(GptEntry e, boolean numeric) {
    partitionLine(e, "Label: \"" + e.label() + "\"");
    String type = Guids.upper(e.type());
    if (!numeric) {
      type = PartitionTypes.describe(e.type()).orElse(type);
    }
    more("Type: ", type);
    more("UUID: ", Guids.upper(e.unique()));
    PartitionAttributes a = e.attributes();
    if (numeric) {
      more("Attr: ", String.format("0x%016x", a.raw()));
    } else if (PartitionTypes.isUsr(e.type()) || PartitionTypes.CHROMEOS_KERNEL.equals(e.type())) {
      more("Attr: ", String.format("priority=%d tries=%d successful=%d", a.priority(), a.tries(),
          a.successful() ? 1 : 0));
    } else if (a.legacyBootable()) {
      more("Attr: ", "Legacy BIOS Bootable");
    }
  }

  /** seismograph {@code HeaderDetails}; note the trailing space after a valid CRC. */
  void header(GptHeader h, long computedHeaderCrc, long computedArrayCrc, boolean numeric) {
    String sig;
    if (numeric) {
      StringBuilder sb = new StringBuilder("[");
      byte[] s = h.signature();
      for (int i = 0; i < s.length; i++) {
        sb.append(String.format("%02X", s[i] & 0xFF));
        if (i != s.length - 1) {
          sb.append('-');
        }
      }
      sig = sb.append(']').toString();
    } else {
      sig = "[" + h.signatureText() + "]";
    }
    out.print(INDENT + "Sig: " + sig + "\n");
    out.print(INDENT + String.format("Rev: 0x%08x\n", h.revision()));
    out.print(INDENT + "Size: " + h.size() + "\n");
    out.print(INDENT + String.format("Header CRC: 0x%08x %s\n", h.headerCrc(),
        computedHeaderCrc != h.headerCrc() ? "(INVALID)" : ""));
    out.print(INDENT + "My LBA: " + Long.toUnsignedString(h.myLba()) + "\n");
    out.print(INDENT + "Alternate LBA: " + Long.toUnsignedString(h.alternateLba()) + "\n");
    out.print(INDENT + "First LBA: " + Long.toUnsignedString(h.firstUsableLba()) + "\n");
    out.print(INDENT + "Last LBA: " + Long.toUnsignedString(h.lastUsableLba()) + "\n");
    out.print(INDENT + "Disk UUID: " + Guids.upper(h.diskGuid()) + "\n");
    out.print(INDENT + "Entries LBA: " + Long.toUnsignedString(h.entriesLba()) + "\n");
    out.print(INDENT + "Number of entries: " + h.numberOfEntries() + "\n");
    out.print(INDENT + "Size of entry: " + h.sizeOfEntry() + "\n");
    out.print(INDENT + String.format("Entries CRC: 0x%08x %s\n", h.entriesCrc(),
        computedArrayCrc != h.entriesCrc() ? "INVALID" : ""));
  }
}
