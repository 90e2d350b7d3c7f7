package dev.turnout.engine;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.PartitionTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What is checked before the daemon starts, so a mistyped option is one line and exit 1 at once,
 * not a failure minutes later at mark-good: {@code --root} is a directory; {@code --disk}, when
 * given, is a readable GPT disk with two USR partitions.
 */
final class StartupChecks {
  private StartupChecks() {}

  /** What is wrong, or null when the daemon can start. */
  static String problem(Path root, Path disk) {
    if (!Files.isDirectory(root)) {
      return "--root " + root + ": " + (Files.exists(root) ? "not a directory"
          : "no such directory");
    }
    if (disk == null) {
      return null;
    }
    if (!Files.exists(disk)) {
      return "--disk " + disk + ": no such file or device";
    }
    if (Files.isDirectory(disk)) {
      return "--disk " + disk + ": a directory, not a disk";
    }
    try (GptDisk d = GptDisk.open(disk, false)) {
      long usr = d.entries().stream().filter(GptEntry::used)
          .filter(e -> PartitionTypes.isUsr(e.type())).count();
      if (usr < 2) {
        return "--disk " + disk + ": " + usr + " USR partition" + (usr == 1 ? "" : "s")
            + ", an A/B disk has two";
      }
      return null;
    } catch (IOException e) {
      return "--disk " + disk + ": " + e.getMessage();
    }
  }
}
