package dev.turnout.gpt.cli;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptException;
import dev.turnout.gpt.PartitionSpec;
import dev.turnout.gpt.PartitionTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/** {@code cgpt add}: add or edit one partition entry (seismograph {@code cmd_add.c}). */
final class AddCommand extends CgptCommand {
  String iText;
  String bText;
  String sText;
  String tText;
  String uText;
  String label;
  String bigBText;
  String bigSText;
  String bigTText;
  String bigPText;
  String bigAText;

  private PartitionSpec spec;

  @Override
  String options() {
    return "i:b:s:t:u:l:B:S:T:P:A:";
  }

  @Override
  void option(char letter, String value) {
    switch (letter) {
      case 'i' -> iText = value;
      case 'b' -> bText = value;
      case 's' -> sText = value;
      case 't' -> tText = value;
      case 'u' -> uText = value;
      case 'l' -> label = value;
      case 'B' -> bigBText = value;
      case 'S' -> bigSText = value;
      case 'T' -> bigTText = value;
      case 'P' -> bigPText = value;
      default -> bigAText = value;
    }
  }

  @Override
  String usage() {
    StringBuilder sb = new StringBuilder("""

        Usage: cgpt add [OPTIONS] DRIVE

        Add, edit, or remove a partition entry.

        Options:
          -i NUM       Specify partition (default is next available)
          -b NUM       Beginning sector
          -s NUM       Size in sectors
          -t GUID      Partition Type GUID
          -u GUID      Partition Unique ID
          -l LABEL     Label
          -B NUM       set Legacy BIOS Bootable flag (0|1)
          -S NUM       set Successful flag (0|1)
          -T NUM       set Tries flag (0-15)
          -P NUM       set Priority flag (0-15)
          -A NUM       set raw 64-bit attribute value

        Use the -i option to modify an existing partition.
        The -b, -s, and -t options must be given for new partitions.

        The partition type may also be given as one of these aliases:

        """);
    for (PartitionTypes.Alias a : PartitionTypes.ALIASES) {
      sb.append(String.format("    %-16s  %s%n", a.name(), a.description()));
    }
    return sb.append('\n').toString();
  }

  @Override
  void validate() {
    Long number = iText == null ? null : number('i', iText);
    Long begin = bText == null ? null : number('b', bText);
    Long size = sText == null ? null : number('s', sText);
    UUID type = null;
    if (tText != null) {
      type = PartitionTypes.resolve(tText).orElse(null);
      if (type == null) {
        error("invalid argument to -t: " + tText);
      }
    }
    UUID unique = null;
    if (uText != null) {
      unique = PartitionTypes.resolve(uText).filter(u -> !uText.matches("[a-z-]+")).orElse(null);
      if (unique == null) {
        error("invalid argument to -u: " + uText);
      }
    }
    Integer legacy = bigBText == null ? null : ranged('B', bigBText, 0, 1);
    Integer successful = bigSText == null ? null : ranged('S', bigSText, 0, 1);
    Integer tries = bigTText == null ? null : ranged('T', bigTText, 0, 15);
    Integer priority = bigPText == null ? null : ranged('P', bigPText, 0, 15);
    Long raw = bigAText == null ? null : number('A', bigAText);
    spec = new PartitionSpec(number == null ? null : (int) Math.min(number, Integer.MAX_VALUE),
        begin, size, type, unique, label, legacy == null ? null : legacy == 1,
        successful == null ? null : successful == 1, tries, priority, raw);
  }

  @Override
  int run() throws IOException {
    if (!requireDrive()) {
      return 1;
    }
    int given = spec.number() == null ? 0 : spec.number();
    PartitionDevices.Target target = PartitionDevices.resolve(drive(), given);
    PartitionSpec s = target.partition() == given ? spec : new PartitionSpec(target.partition(),
        spec.firstLba(), spec.sizeLba(), spec.type(), spec.unique(), spec.label(),
        spec.legacyBootable(), spec.successful(), spec.tries(), spec.priority(),
        spec.rawAttributes());
    try (GptDisk disk = GptDisk.open(Path.of(target.disk()), true)) {
      disk.add(s);
    } catch (GptException e) {
      if (e.kind() == GptException.Kind.NEEDS_REPAIR) {
        error("one of the GPT header/entries is invalid.\n"
            + "please run 'cgpt repair' before adding anything.");
        details(e.details());
        return 1;
      }
      throw e;
    }
    return 0;
  }
}
