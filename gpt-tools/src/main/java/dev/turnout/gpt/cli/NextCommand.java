package dev.turnout.gpt.cli;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.Guids;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code cgpt next DISK}: choose the USR partition to boot, decrement its tries, print its unique
 * GUID in lower case (seismograph {@code cgpt_next.c}, quirks included). Unlike seismograph it refuses
 * a disk whose backup or primary copy is invalid instead of writing through it; run repair first.
 */
final class NextCommand extends CgptCommand {
  @Override
  String options() {
    return "";
  }

  @Override
  void option(char letter, String value) {}

  @Override
  String usage() {
    return """

        Usage: cgpt next DRIVE

        Find the Flatcar USR partition to boot next and print its unique GUID.

        The partition with the highest priority that either has tries left or was
        booted successfully wins (ties go to the lower partition number). Its tries,
        if any, are decremented. The intended user is the boot loader or initrd.

        """;
  }

  @Override
  int run() throws IOException {
    if (!requireDrive()) {
      return 1;
    }
    Optional<GptEntry> next;
    try (GptDisk disk = GptDisk.open(Path.of(drive()), true)) {
      next = disk.cgptNext();
    }
    if (next.isEmpty()) {
      return 1;
    }
    out.print(Guids.lower(next.get().unique()) + "\n");
    return 0;
  }
}
