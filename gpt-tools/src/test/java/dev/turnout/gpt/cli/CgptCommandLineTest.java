package dev.turnout.gpt.cli;

import static dev.turnout.gpt.cli.CgptRunner.ok;
import static dev.turnout.gpt.cli.CgptRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cgpt's flags, validation messages and exit codes. */
class CgptCommandLineTest {
  @TempDir Path dir;

  private String image() {
    String img = dir.resolve("d.img").toString();
    ok("create", "-c", "-s", "4096", img);
    ok("add", "-b", "34", "-s", "1000", "-t", "coreos-usr", "-l", "USR-A", img);
    ok("add", "-b", "1034", "-s", "1000", "-t", "flatcar-usr", "-l", "USR-B", img);
    return img;
  }

  @Test
  void noCommandOrAnUnknownOnePrintsUsageAndFails() {
    CgptRunner.Result r = run();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("Usage: cgpt COMMAND [OPTIONS] DRIVE").contains("    prioritize");
    assertThat(run("frobnicate").exit()).isEqualTo(1);
  }

  @Test
  void commandsMayBeAbbreviatedToAUniquePrefix() {
    String img = image();
    assertThat(ok("sh", "-i", "1", "-l", img)).isEqualTo("USR-A\n");
    assertThat(ok("pri", "-i", "2", img)).isEmpty();
    assertThat(ok("s", "-i", "2", "-P", img)).isEqualTo("1\n");
  }

  @Test
  void outOfRangeAttributeValuesAreRejectedWithCgptsMessage() {
    String img = image();
    byte[] before = read(img);
    CgptRunner.Result r = run("add", "-i", "1", "-T", "16", img);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("ERROR: cgpt add: value for -T must be between 0 and 15\n");
    assertThat(r.out()).contains("Usage: cgpt add [OPTIONS] DRIVE");
    assertThat(run("add", "-i", "1", "-S", "2", img).err())
        .isEqualTo("ERROR: cgpt add: value for -S must be between 0 and 1\n");
    assertThat(run("add", "-i", "1", "-P", "x1", img).err())
        .isEqualTo("ERROR: cgpt add: invalid argument to -P: \"x1\"\n");
    assertThat(run("add", "-i", "1", "-t", "nonsense", img).err())
        .isEqualTo("ERROR: cgpt add: invalid argument to -t: nonsense\n");
    assertThat(run("prioritize", "-P", "0", img).err())
        .isEqualTo("ERROR: cgpt prioritize: value for -P must be between 1 and 15\n");
    assertThat(read(img)).isEqualTo(before);
  }

  @Test
  void optionErrors() {
    String img = image();
    assertThat(run("show", "-x", img).err()).isEqualTo("ERROR: cgpt show: unrecognized option: -x\n");
    assertThat(run("show", img, "-i").err()).isEqualTo("ERROR: cgpt show: missing argument to -i\n");
    CgptRunner.Result r = run("add", "-i", "1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("ERROR: cgpt add: missing drive argument\n");
    assertThat(run("prioritize", "-f", img).err())
        .isEqualTo("ERROR: cgpt prioritize: the -f option is only useful with the -i option\n");
    assertThat(run("create", "-c", dir.resolve("new.img").toString()).err())
        .isEqualTo("ERROR: cgpt create: minimum size (-s) is required with create (-c)\n");
    assertThat(run("show", dir.resolve("missing.img").toString()).err())
        .startsWith("ERROR: cgpt show: Can't open ").endsWith("missing.img: No such file or directory\n");
  }

  @Test
  void helpPrintsUsageAndSucceeds() {
    CgptRunner.Result r = run("add", "-h");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("-A NUM       set raw 64-bit attribute value")
        .contains("    flatcar-rootfs    Flatcar Container Linux rootfs\n");
  }

  @Test
  void numbersFollowStrtoul() {
    String img = image();
    ok("add", "-i", "0x1", "-A", "0x0101000000000000", img);
    assertThat(ok("show", "-i", "1", "-A", img)).isEqualTo("0x101000000000000\n");
    ok("add", "-i", "01", "-P", "010", img); // octal, like C
    assertThat(ok("show", "-i", "1", "-P", img)).isEqualTo("8\n");
  }

  @Test
  void rawAttributesOverrideTheFlags() {
    String img = image();
    ok("add", "-i", "1", "-P", "5", "-A", "0x4", img);
    assertThat(ok("show", "-i", "1", "-A", img)).isEqualTo("0x4\n");
  }

  @Test
  void prioritizeRefusesNonUsrPartitions() {
    String img = image();
    ok("add", "-b", "2048", "-s", "10", "-t", "efi", img);
    CgptRunner.Result r = run("prioritize", "-i", "3", img);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("ERROR: cgpt prioritize: partition 3 is not a Flatcar root\n");
  }

  @Test
  void overlappingAddIsRefused() {
    String img = image();
    CgptRunner.Result r = run("add", "-b", "500", "-s", "10", "-t", "data", img);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("ERROR: cgpt add: Starting LBA overlaps\n");
  }

  @Test
  void nextWithNoUsrPartitionFailsSilently() {
    String img = dir.resolve("e.img").toString();
    ok("create", "-c", "-s", "4096", img);
    CgptRunner.Result r = run("next", img);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void findPrintsDriveAndPartitionNumber() {
    String img = image();
    assertThat(ok("find", "-l", "USR-B", img)).isEqualTo(img + "2\n");
    assertThat(ok("find", "-n", "-t", "flatcar-usr", img)).isEqualTo("1\n2\n");
    assertThat(run("find", "-1", "-t", "flatcar-usr", img).exit()).isEqualTo(1);
    assertThat(run("find", "-l", "nothing", img).exit()).isEqualTo(1);
    assertThat(ok("find", "-v", "-l", "USR-A", img)).startsWith(img + "1\n")
        .contains("  Label: \"USR-A\"\n");
  }

  @Test
  void createZapErasesTheGpt() {
    String img = image();
    ok("create", "-z", img);
    CgptRunner.Result r = run("show", img);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith(
        "ERROR: cgpt show: GptSanityCheck() returned 2: GPT_ERROR_INVALID_HEADERS\n");
  }

  private static byte[] read(String img) {
    try {
      return Files.readAllBytes(Path.of(img));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
