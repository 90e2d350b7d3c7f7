package dev.turnout.gpt.cli;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptException;
import dev.turnout.gpt.GptInspection;
import dev.turnout.gpt.RepairResult;
import java.io.IOException;
import java.nio.file.Path;

/** {@code cgpt repair}: rebuild an invalid copy from the valid one (seismograph {@code cgpt_repair.c}). */
final class RepairCommand extends CgptCommand {
  boolean verbose;

  @Override
  String options() {
    return "v";
  }

  @Override
  void option(char letter, String value) {
    verbose = true;
  }

  @Override
  String usage() {
    return """

        Usage: cgpt repair [OPTIONS] DRIVE

        Repair damaged GPT headers and tables.

        Options:
          -v           Verbose output

        """;
  }

  @Override
  int run() throws IOException {
    if (!requireDrive()) {
      return 1;
    }
    String disk = PartitionDevices.resolve(drive(), 0).disk();
    try (GptDisk d = GptDisk.open(Path.of(disk), true)) {
      if (verbose) {
        GptInspection g = d.inspect();
        out.print(String.format("GptSanityCheck() returned %d: %s\n", g.sanity().code,
            g.sanity().symbol()));
      }
      RepairResult r;
      try {
        r = d.repair();
      } catch (GptException e) {
        if (e.kind() != GptException.Kind.NO_VALID_GPT) {
          throw e;
        }
        error(String.format("GptRepair() returned %d: %s", e.error().code, e.error().symbol()));
        details(e.details());
        return 1;
      }
      if (r.primaryHeaderUpdated()) {
        out.print("Primary Header is updated.\n");
      }
      if (r.primaryArrayUpdated()) {
        out.print("Primary Entries is updated.\n");
      }
      if (r.secondaryArrayUpdated()) {
        out.print("Secondary Entries is updated.\n");
      }
      if (r.secondaryHeaderUpdated()) {
        out.print("Secondary Header is updated.\n");
      }
    }
    return 0;
  }
}
