package dev.turnout.gpt.cli;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptLayout;
import dev.turnout.gpt.Guids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;

/** {@code cgpt create}: a new, empty GPT (seismograph {@code cmd_create.c}, {@code cgpt_create.c}). */
final class CreateCommand extends CgptCommand {
  boolean createFile;
  boolean zap;
  String sizeText;
  String guidText;

  private long minSectors;

  @Override
  String options() {
    return "czs:g:";
  }

  @Override
  void option(char letter, String value) {
    switch (letter) {
      case 'c' -> createFile = true;
      case 'z' -> zap = true;
      case 's' -> sizeText = value;
      default -> guidText = value;
    }
  }

  @Override
  String usage() {
    return """

        Usage: cgpt create [OPTIONS] DRIVE

        Create or reset an empty GPT.

        Options:
          -c           Create disk image file if needed. Requires -s
          -s NUM       Minimum disk sectors, extends image files
          -z           Zero the sectors of the GPT table and entries
          -g GUID      The desired disk GUID

        """;
  }

  @Override
  void validate() {
    if (sizeText != null) {
      Long v = number('s', sizeText);
      minSectors = v == null ? 0 : v;
    }
    if (createFile && minSectors == 0) {
      error("minimum size (-s) is required with create (-c)");
    }
  }

  @Override
  int run() throws IOException {
    if (operands.isEmpty()) {
      out.print(usage());
      return 1;
    }
    Path path = Path.of(drive());
    UUID guid = null;
    if (guidText != null) {
      try {
        guid = Guids.parse(guidText);
      } catch (IllegalArgumentException e) {
        error("Provided GUID is invalid: \"" + guidText + "\"");
        return 1;
      }
    }
    if (!Files.exists(path) && !createFile) {
      throw new NoSuchFileException(drive());
    }
    boolean regular = !Files.exists(path) || Files.isRegularFile(path);
    try (GptDisk disk = regular && minSectors > 0 ? GptDisk.createImage(path, minSectors)
        : GptDisk.open(path, true)) {
      if (!regular && minSectors > 0 && Files.size(path) < minSectors * GptLayout.SECTOR) {
        error("Drive " + drive() + " is smaller than minimum: " + minSectors);
        return 1;
      }
      if (zap) {
        disk.zap();
      } else {
        disk.create(guid);
      }
    }
    return 0;
  }
}
