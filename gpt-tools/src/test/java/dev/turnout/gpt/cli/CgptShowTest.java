package dev.turnout.gpt.cli;

import static dev.turnout.gpt.cli.CgptRunner.ok;
import static dev.turnout.gpt.cli.CgptRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgpt show} and {@code cgpt next} against the output of Flatcar's own cgpt (seismograph) on
 * the same image, recorded in the spec (gpt-and-cgpt.md, "Sample outputs").
 */
class CgptShowTest {
  @TempDir Path dir;
  String img;

  /** The exact commands the spec ran with seismograph cgpt. */
  @BeforeEach
  void flatcarImage() {
    img = dir.resolve("fc.img").toString();
    ok("create", "-c", "-s", "131072", "-g", "00000000-0000-0000-0000-000000000001", img);
    ok("add", "-i", "3", "-b", "4096", "-s", "16384", "-t", "flatcar-rootfs", "-l", "USR-A",
        "-u", "7130c94a-213a-4e5a-8e26-6cce9662f132", img);
    ok("add", "-i", "4", "-b", "20480", "-s", "16384", "-t", "flatcar-rootfs", "-l", "USR-B",
        "-u", "e03dd35c-7c2d-4a47-b3fe-27f15780a57c", img);
    ok("add", "-i", "3", "-S1", "-P1", img);
  }

  @Test
  void tableIsByteIdenticalToSeismograph() {
    assertThat(ok("show", img)).isEqualTo("""
               start        size    part  contents
                   0           1          Protective MBR
                   1           1          Pri GPT header
                   2          32          Pri GPT table
                4096       16384       3  Label: "USR-A"
                                          Type: Alias for coreos-rootfs
                                          UUID: 7130C94A-213A-4E5A-8E26-6CCE9662F132
                                          Attr: priority=1 tries=0 successful=1
               20480       16384       4  Label: "USR-B"
                                          Type: Alias for coreos-rootfs
                                          UUID: E03DD35C-7C2D-4A47-B3FE-27F15780A57C
                                          Attr: priority=0 tries=0 successful=0
              131039          32          Sec GPT table
              131071           1          Sec GPT header
        """);
  }

  @Test
  void numericShowsRawGuidsAndFullAttributes() {
    assertThat(ok("show", "-n", img)).contains("""
                4096       16384       3  Label: "USR-A"
                                          Type: 5DFBF5F4-2848-4BAC-AA5E-0D9A20B745A6
                                          UUID: 7130C94A-213A-4E5A-8E26-6CCE9662F132
                                          Attr: 0x0101000000000000
        """).contains("                                  Attr: 0x0000000000000000\n");
  }

  @Test
  void quickPrintsOneLinePerPartition() {
    assertThat(ok("show", "-q", img)).isEqualTo(
        "        4096       16384       3  Alias for coreos-rootfs\n"
            + "       20480       16384       4  Alias for coreos-rootfs\n");
    assertThat(ok("show", "-q", "-n", img)).startsWith(
        "        4096       16384       3  5DFBF5F4-2848-4BAC-AA5E-0D9A20B745A6\n");
  }

  @Test
  void singleValues() {
    assertThat(ok("show", "-i", "3", "-A", img)).isEqualTo("0x101000000000000\n");
    assertThat(ok("show", "-i", "4", "-A", img)).isEqualTo("0x0\n");
    assertThat(ok("show", "-i", "3", "-P", img)).isEqualTo("1\n");
    assertThat(ok("show", "-i", "3", "-T", img)).isEqualTo("0\n");
    assertThat(ok("show", "-i", "3", "-S", img)).isEqualTo("1\n");
    assertThat(ok("show", "-i", "3", "-b", img)).isEqualTo("4096\n");
    assertThat(ok("show", "-i", "3", "-s", img)).isEqualTo("16384\n");
    assertThat(ok("show", "-i", "3", "-t", img)).isEqualTo("5DFBF5F4-2848-4BAC-AA5E-0D9A20B745A6\n");
    assertThat(ok("show", "-i", "4", "-u", img)).isEqualTo("E03DD35C-7C2D-4A47-B3FE-27F15780A57C\n");
    assertThat(ok("show", "-i", "4", "-l", img)).isEqualTo("USR-B\n");
    assertThat(ok("show", "-i4", "-l", "-P", img)).as("the last item flag wins").isEqualTo("0\n");
    assertThat(ok("show", img, "-i", "3", "-P")).as("options after the drive").isEqualTo("1\n");
  }

  @Test
  void singlePartitionTable() {
    assertThat(ok("show", "-i", "4", img)).isEqualTo("""
               start        size    part  contents
               20480       16384       4  Label: "USR-B"
                                          Type: Alias for coreos-rootfs
                                          UUID: E03DD35C-7C2D-4A47-B3FE-27F15780A57C
                                          Attr: priority=0 tries=0 successful=0
        """);
    CgptRunner.Result r = run("show", "-i", "129", img);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("ERROR: cgpt show: invalid partition number: 129\n");
  }

  @Test
  void verboseDumpsTheHeaderWithCgptsTrailingSpaces() {
    String out = ok("show", "-v", img);
    String i = " ".repeat(34);
    assertThat(out).contains("           1           1          Pri GPT header\n"
        + i + "Sig: [EFI PART]\n" + i + "Rev: 0x00010000\n" + i + "Size: 92\n");
    assertThat(out).containsPattern("\n" + i + "Header CRC: 0x[0-9a-f]{8} \n");
    assertThat(out).contains(i + "My LBA: 1\n" + i + "Alternate LBA: 131071\n"
        + i + "First LBA: 34\n" + i + "Last LBA: 131038\n"
        + i + "Disk UUID: 00000000-0000-0000-0000-000000000001\n"
        + i + "Entries LBA: 2\n" + i + "Number of entries: 128\n" + i + "Size of entry: 128\n");
    assertThat(out).containsPattern("\n" + i + "Entries CRC: 0x[0-9a-f]{8} \n"
        + "           2          32          Pri GPT table\n");
    assertThat(ok("show", "-v", "-n", img)).contains(i + "Sig: [45-46-49-20-50-41-52-54]\n");
  }

  @Test
  void nextPrintsTheLowercaseGuidAndSpendsATry() {
    ok("add", "-i", "4", "-S0", "-T1", img);
    ok("prioritize", "-i", "4", img);
    assertThat(ok("show", "-i", "4", "-A", img)).isEqualTo("0x12000000000000\n");
    assertThat(ok("next", img)).isEqualTo("e03dd35c-7c2d-4a47-b3fe-27f15780a57c\n");
    assertThat(ok("show", "-i", "4", "-T", img)).isEqualTo("0\n");
    assertThat(ok("next", img)).isEqualTo("7130c94a-213a-4e5a-8e26-6cce9662f132\n");
  }

  @Test
  void damagedPrimaryShowsInvalidAndWarnsThenRepairRestores() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(img, "rw")) {
      f.seek(512 + 40);
      f.write(0x77);
    }
    CgptRunner.Result r = run("show", img);
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("           1           1 INVALID  Pri GPT header\n");
    assertThat(r.out()).contains("      131071           1          Sec GPT header\n");
    assertThat(r.err()).startsWith(
        "\nWARNING: one of the GPT header/entries is invalid, please run 'cgpt repair'\n"
            + "  primary GPT header: header CRC mismatch");
    CgptRunner.Result add = run("add", "-i", "3", "-P", "2", img);
    assertThat(add.exit()).isEqualTo(1);
    assertThat(add.err()).startsWith("ERROR: cgpt add: one of the GPT header/entries is invalid.\n"
        + "please run 'cgpt repair' before adding anything.\n");

    assertThat(ok("repair", "-v", img)).isEqualTo(
        "GptSanityCheck() returned 0: GPT_SUCCESS\nPrimary Header is updated.\n");
    CgptRunner.Result after = run("show", img);
    assertThat(after.err()).isEmpty();
    assertThat(after.out()).doesNotContain("INVALID");
  }
}
