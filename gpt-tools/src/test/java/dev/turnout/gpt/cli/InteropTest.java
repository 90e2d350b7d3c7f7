package dev.turnout.gpt.cli;

import static dev.turnout.gpt.cli.CgptRunner.ok;
import static dev.turnout.gpt.cli.CgptRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.PartitionTypes;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our GPT against independent implementations: gdisk's sgdisk, util-linux sfdisk, Debian cgpt. */
class InteropTest {
  @TempDir Path dir;

  private String flatcarImage() {
    String img = dir.resolve("fc.img").toString();
    ok("create", "-c", "-s", "131072", "-g", "00000000-0000-0000-0000-000000000001", img);
    ok("add", "-i", "1", "-b", "2048", "-s", "2048", "-t", "efi", "-l", "EFI-SYSTEM", img);
    ok("add", "-i", "3", "-b", "4096", "-s", "16384", "-t", "flatcar-rootfs", "-l", "USR-A",
        "-u", "7130c94a-213a-4e5a-8e26-6cce9662f132", img);
    ok("add", "-i", "4", "-b", "20480", "-s", "16384", "-t", "flatcar-rootfs", "-l", "USR-B",
        "-u", "e03dd35c-7c2d-4a47-b3fe-27f15780a57c", img);
    ok("add", "-i", "3", "-S1", "-P1", img);
    ok("add", "-i", "4", "-S0", "-T1", "-P2", img);
    return img;
  }

  @Test
  void sgdiskLaidOutImageReadsCorrectly() throws Exception {
    ExternalTool.require("sgdisk", "gdisk");
    String img = dir.resolve("sg.img").toString();
    try (RandomAccessFile f = new RandomAccessFile(img, "rw")) {
      f.setLength(64L << 20);
    }
    ExternalTool.Output made = ExternalTool.run("sgdisk", "-o", "-n", "1:2048:+16M", "-t", "1:8300",
        "-c", "1:USR-A", "-n", "2:0:+16M", "-t", "2:5dfbf5f4-2848-4bac-aa5e-0d9a20b745a6",
        "-c", "2:USR-B", "-A", "2:set:48", "-A", "2:set:56", img);
    assertThat(made.exit()).as(made.out()).isZero();
    String guid2 = ExternalTool.run("sgdisk", "-i", "2", img).out().lines()
        .filter(l -> l.startsWith("Partition unique GUID: ")).findFirst().orElseThrow()
        .substring("Partition unique GUID: ".length());
    try (GptDisk disk = GptDisk.open(Path.of(img), false)) {
      assertThat(disk.inspect().fullyValid()).isTrue();
      GptEntry a = disk.entry(1);
      assertThat(a.label()).isEqualTo("USR-A");
      assertThat(a.firstLba()).isEqualTo(2048);
      assertThat(a.sizeLba()).isEqualTo(32768);
      assertThat(a.type()).isEqualTo(PartitionTypes.LINUX_DATA);
      GptEntry b = disk.entry(2);
      assertThat(b.unique()).isEqualTo(UUID.fromString(guid2.toLowerCase()));
      assertThat(b.attributes().raw()).isEqualTo(0x0101000000000000L);
    }
    assertThat(ok("show", "-i", "2", "-P", img)).isEqualTo("1\n");
  }

  @Test
  void ourImagePassesSgdiskVerifyAndSfdiskAgrees() throws Exception {
    ExternalTool.require("sgdisk", "gdisk");
    ExternalTool.require("sfdisk", "fdisk");
    String img = flatcarImage();
    ExternalTool.Output v = ExternalTool.run("sgdisk", "-v", img);
    assertThat(v.out()).contains("No problems found.");

    JsonNode table = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(ExternalTool.run("sfdisk", "--json", img).out()).get("partitiontable");
    assertThat(table.get("label").asText()).isEqualTo("gpt");
    assertThat(table.get("id").asText()).isEqualTo("00000000-0000-0000-0000-000000000001");
    List<JsonNode> parts = new java.util.ArrayList<>();
    table.get("partitions").forEach(parts::add);
    assertThat(parts).hasSize(3);
    assertThat(parts.get(1).get("node").asText()).endsWith("fc.img3");
    assertThat(parts.get(1).get("start").asLong()).isEqualTo(4096);
    assertThat(parts.get(1).get("size").asLong()).isEqualTo(16384);
    assertThat(parts.get(1).get("type").asText()).isEqualTo("5DFBF5F4-2848-4BAC-AA5E-0D9A20B745A6");
    assertThat(parts.get(1).get("uuid").asText()).isEqualTo("7130C94A-213A-4E5A-8E26-6CCE9662F132");
    assertThat(parts.get(1).get("name").asText()).isEqualTo("USR-A");
    assertThat(parts.get(0).get("type").asText()).isEqualTo("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
  }

  @Test
  void attributesReadBackThroughSgdiskAndDebianCgpt() throws Exception {
    ExternalTool.require("sgdisk", "gdisk");
    ExternalTool.require("cgpt", "cgpt");
    String img = flatcarImage();
    assertThat(ExternalTool.run("sgdisk", "-i", "3", img).out())
        .contains("Attribute flags: 0101000000000000");
    assertThat(ExternalTool.run("sgdisk", "-i", "4", img).out())
        .contains("Attribute flags: 0012000000000000");
    // Debian's cgpt (upstream R106) prints only the 16-bit field above bit 48.
    assertThat(ExternalTool.run("/usr/bin/cgpt", "show", "-i", "3", "-A", img).out())
        .isEqualTo("0x101\n");
    assertThat(ExternalTool.run("/usr/bin/cgpt", "show", "-i", "4", "-A", img).out())
        .isEqualTo("0x12\n");
    assertThat(ExternalTool.run("/usr/bin/cgpt", "show", "-i", "4", "-P", img).out())
        .isEqualTo("2\n");
    assertThat(ExternalTool.run("/usr/bin/cgpt", "show", "-i", "4", "-T", img).out())
        .isEqualTo("1\n");
  }

  @Test
  void grownDiskWarnsAndRepairMovesTheBackupToTheEnd() throws Exception {
    ExternalTool.require("sgdisk", "gdisk");
    String img = flatcarImage();
    try (RandomAccessFile f = new RandomAccessFile(img, "rw")) {
      f.setLength(96L << 20);
    }
    assertThat(ExternalTool.run("sgdisk", "-v", img).out()).doesNotContain("No problems found.");
    CgptRunner.Result shown = run("show", img);
    assertThat(shown.exit()).isZero();
    assertThat(shown.out()).contains("      196575          32 INVALID  Sec GPT table\n")
        .contains("           1           1 INVALID  Sec GPT header\n");
    assertThat(shown.err()).contains("please run 'cgpt repair'")
        .contains("secondary GPT header: no GPT signature");
    assertThat(run("add", "-i", "3", "-P", "3", img).exit()).isEqualTo(1);

    assertThat(ok("repair", img)).isEqualTo("Primary Header is updated.\n"
        + "Secondary Entries is updated.\nSecondary Header is updated.\n");
    assertThat(ExternalTool.run("sgdisk", "-v", img).out()).contains("No problems found.");
    assertThat(ok("show", "-v", img)).contains("Alternate LBA: 196607\n")
        .contains("Last LBA: 196574\n").doesNotContain("INVALID");
  }

  @Test
  void corruptedPrimaryHeaderIsRepairedToATableSgdiskAccepts() throws Exception {
    ExternalTool.require("sgdisk", "gdisk");
    String img = flatcarImage();
    try (RandomAccessFile f = new RandomAccessFile(img, "rw")) {
      f.seek(512);
      f.write(new byte[92]);
    }
    CgptRunner.Result shown = run("show", img);
    assertThat(shown.out()).contains("           1           1 INVALID  Pri GPT header\n");
    assertThat(shown.err()).contains("primary GPT header: no GPT signature");
    ok("repair", img);
    assertThat(ExternalTool.run("sgdisk", "-v", img).out()).contains("No problems found.");
    assertThat(ok("show", "-i", "4", "-A", img)).isEqualTo("0x12000000000000\n");
  }
}
