package dev.turnout.gpt.cli;

import dev.turnout.gpt.GptDisk;
import java.io.IOException;
import java.nio.file.Path;

/** {@code cgpt prioritize}: renumber USR partition priorities (seismograph {@code cmd_prioritize.c}). */
final class PrioritizeCommand extends CgptCommand {
  String iText;
  boolean friends;
  String maxText;

  private int partition;
  private int max;

  @Override
  String options() {
    return "i:fP:";
  }

  @Override
  void option(char letter, String value) {
    switch (letter) {
      case 'i' -> iText = value;
      case 'f' -> friends = true;
      default -> maxText = value;
    }
  }

  @Override
  String usage() {
    return """

        Usage: cgpt prioritize [OPTIONS] DRIVE

        Reorder the priority of all Flatcar USR partitions.

        Options:
          -P NUM       Highest priority to use in the new ordering. The
                         other partitions will be ranked in decreasing
                         priority while preserving their original order.
                         If necessary the lowest ranks will be coalesced.
                         No active partition will be lowered to priority 0.
          -i NUM       Specify the partition to make the highest in the new
                         order.
          -f           Friends of the given partition (those with the same
                         starting priority) are also updated to the new
                         highest priority.

        With no options this will set the lowest active partition to
        priority 1 while maintaining the original order.

        """;
  }

  @Override
  void validate() {
    if (iText != null) {
      Long v = number('i', iText);
      partition = v == null ? 0 : (int) Math.min(v, Integer.MAX_VALUE);
    }
    if (maxText != null) {
      Integer v = ranged('P', maxText, 1, 15);
      max = v == null ? 0 : v;
    }
  }

  @Override
  int run() throws IOException {
    if (friends && partition == 0 && (operands.isEmpty() || !operands.get(0).startsWith("/dev/"))) {
      error("the -f option is only useful with the -i option");
      out.print(usage());
      return 1;
    }
    if (!requireDrive()) {
      return 1;
    }
    PartitionDevices.Target target = PartitionDevices.resolve(drive(), partition);
    try (GptDisk disk = GptDisk.open(Path.of(target.disk()), true)) {
      disk.prioritize(target.partition(), friends, max);
    }
    return 0;
  }
}
