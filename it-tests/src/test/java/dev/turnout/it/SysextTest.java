package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The systemd-sysext image the build makes (bin/build-sysext), taken apart with unsquashfs: its
 * layout, its extension-release, its units under systemd-analyze, and a whole update cycle run
 * by the launchers and runtime in the image alone.
 */
class SysextTest extends RigTest {
  static final Path TARGET = Repo.ROOT.resolve("packaging/target");
  Path extracted;

  @BeforeEach
  void extract() throws Exception {
    boolean tools = Files.isExecutable(Path.of("/usr/bin/unsquashfs"));
    if (!tools && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("unsquashfs is missing; .ci/run installs package squashfs-tools");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(tools,
        "squashfs-tools not installed (apt-get install squashfs-tools)");
    Path image;
    try (Stream<Path> s = Files.list(TARGET)) {
      image = s.filter(p -> p.getFileName().toString().matches("turnout-.*-x86-64\\.raw"))
          .findFirst().orElseThrow(() -> new AssertionError("no image in " + TARGET
              + "; the packaging module builds it where mksquashfs is installed"));
    }
    assertThat(Files.size(image)).as("image size").isLessThanOrEqualTo(48L << 20);
    extracted = dir.resolve("image");
    Proc.Result r = Proc.run(LONG, Map.of(), "unsquashfs", "-q", "-d", extracted.toString(),
        image.toString());
    assertThat(r.exit()).as(r.err()).isZero();
  }

  @Override
  Path tool(String name) {
    return extracted.resolve("usr/lib/turnout/bin/" + name);
  }

  @Test
  void theImageHoldsWhatANodeNeeds() throws Exception {
    for (String p : List.of("usr/lib/turnout/runtime/bin/java", "usr/lib/turnout/lib/turnout.jar",
        "usr/lib/turnout/bin/update_engine", "usr/lib/turnout/bin/update_engine_client",
        "usr/lib/turnout/bin/cgpt", "usr/lib/turnout/bin/payload",
        "usr/lib/systemd/system/update-engine.service.d/10-turnout.conf",
        "usr/lib/systemd/system/update-engine.timer",
        "usr/share/dbus-1/system.d/com.coreos.update1.conf",
        "usr/share/dbus-1/system-services/com.coreos.update1.service",
        "usr/share/man/man1/update_engine_client.1", "usr/share/bash-completion/completions/cgpt",
        "usr/lib/turnout/lib/cgpt.jsa", "usr/lib/turnout/lib/update_engine_client.jsa",
        "usr/lib/turnout/lib/turnout-rebootd.jar", "usr/lib/turnout/bin/turnout-rebootd",
        "usr/lib/turnout/bin/rebootctl", "usr/bin/rebootctl", "usr/bin/update_engine_client",
        "usr/bin/cgpt", "usr/bin/payload",
        "usr/lib/systemd/system/turnout-rebootd.service",
        "usr/lib/systemd/system/turnout-rebootd.path",
        "usr/lib/systemd/system/timers.target.wants/update-engine.timer",
        "usr/lib/systemd/system/turnout-boot-complete.service", "usr/lib/turnout/boot-complete",
        "usr/lib/systemd/system/multi-user.target.wants/turnout-boot-complete.service")) {
      assertThat(extracted.resolve(p)).as(p).exists();
    }
    assertThat(extracted.resolve("usr/lib/extension-release.d/extension-release.turnout"))
        .hasContent("ID=flatcar\nSYSEXT_LEVEL=1.0\nARCHITECTURE=x86-64");
    assertThat(extracted.resolve("usr/lib/systemd/system/update-engine.service.d/10-turnout.conf"))
        .content().contains("ExecStart=/usr/lib/turnout/bin/update_engine -foreground")
        .contains("Restart=on-failure");
    try (Stream<Path> s = Files.list(extracted)) {
      assertThat(s.map(p -> p.getFileName().toString())).as("only /usr").containsExactly("usr");
    }

    // The drop-in on update-engine.service, as systemd merges it, with the image's paths.
    Assumptions.assumeSystemdAnalyze();
    Path units = Files.createDirectories(dir.resolve("units"));
    String launcher = extracted.resolve("usr/lib/turnout/bin/update_engine").toString();
    Files.writeString(units.resolve("update-engine.service"), Files.readString(
        Repo.ROOT.resolve("systemd/units/update-engine.service")));
    Path dropIns = Files.createDirectories(units.resolve("update-engine.service.d"));
    Files.writeString(dropIns.resolve("10-turnout.conf"), Files.readString(extracted.resolve(
        "usr/lib/systemd/system/update-engine.service.d/10-turnout.conf"))
        .replace("/usr/lib/turnout/bin/update_engine", launcher));
    Files.copy(extracted.resolve("usr/lib/systemd/system/update-engine.timer"),
        units.resolve("update-engine.timer"));
    // Flatcar's unit names /usr/sbin/update_engine, which the drop-in replaces.
    Files.writeString(units.resolve("update-engine.service"), Files.readString(
        units.resolve("update-engine.service")).replace("/usr/sbin/update_engine", launcher));
    Proc.Result v = Proc.run(Duration.ofSeconds(60), Map.of(), "systemd-analyze", "verify",
        units.resolve("update-engine.service").toString(),
        units.resolve("update-engine.timer").toString());
    assertThat(v.exit()).as(v.err()).isZero();
  }

  @Test
  void theResidentDaemonHasLetPicocliGoOnceItOwnsItsBusName() throws Exception {
    // picocli reads the daemon's command line in a loader of its own, collected after start:
    // none of its classes stays in the daemon that then idles for weeks.
    Proc d = daemon("daemon", 3600, Map.of("TURNOUT_JAVA_OPTS",
        "-Xshare:off -XX:+UseSerialGC -Xlog:class+unload=info:stderr"));
    d.await(LONG, "picocli's classes to be unloaded",
        l -> l.contains("unloading class picocli.CommandLine "));
    assertThat(d.log()).contains("unloading class dev.turnout.engine.cli.DaemonCommand ");
  }

  @Test
  void theImagesPayloadToolMakesKeysSignsAndVerifies() throws Exception {
    // The image's jar is cut to the classes Turnout's code reaches: the key writing and reading
    // (BouncyCastle's PEM code) and signing must all still be in it.
    Path key = dir.resolve("k.pem");
    Path pub = dir.resolve("k.pub.pem");
    Path image = dir.resolve("usr.img");
    Files.write(image, new byte[3 << 20]);
    Path payload = dir.resolve("update.gz");
    Proc.Result keygen = Proc.run(LONG, Map.of(), tool("payload").toString(), "keygen",
        "--out", key.toString(), "--public-out", pub.toString());
    assertThat(keygen.exit()).as(keygen.err()).isZero();
    Proc.Result generate = Proc.run(LONG, Map.of(), tool("payload").toString(), "generate",
        "--image", image.toString(), "--key", key.toString(), "--out", payload.toString());
    assertThat(generate.exit()).as(generate.err()).isZero();
    Proc.Result verify = Proc.run(LONG, Map.of(), tool("payload").toString(), "verify",
        "--public-key", pub.toString(), payload.toString());
    assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    Proc.Result other = Proc.run(LONG, Map.of(), tool("payload").toString(), "verify",
        "--public-key", Repo.ROOT.resolve(
            "payload-format/src/test/resources/keys/flatcar-developer-v1.pub.pem").toString(),
        payload.toString());
    assertThat(other.exit()).as("signed by another key").isEqualTo(1);
  }

  @Test
  void theToolsLoadTheirClassesFromTheArchivesMadeAtBuildTime() throws Exception {
    // The image is unpacked far from where it was built, as on a node: the archives must hold.
    Path disk = dir.resolve("probe.img");
    assertThat(Proc.run(LONG, Map.of(), tool("cgpt").toString(), "create", "-c", "-s", "1024",
        disk.toString()).exit()).isZero();
    assertSharedClass("dev.turnout.gpt.cli.Cgpt", "cgpt", "show", disk.toString());
    // cgpt runs from the boot class path in the image: the same bytes out as the checkout's.
    Proc.Result image = Proc.run(LONG, Map.of(), tool("cgpt").toString(), "show", "-v",
        disk.toString());
    Proc.Result checkout = Proc.run(LONG, Map.of(), Repo.bin("cgpt").toString(), "show", "-v",
        disk.toString());
    assertThat(image.out()).isNotEmpty().isEqualTo(checkout.out());
    Proc.Result bad = Proc.run(LONG, Map.of(), tool("cgpt").toString(), "show", "-x",
        disk.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("ERROR: cgpt show: unrecognized option: -x\n");
    assertSharedClass("dev.turnout.engine.UpdateEngineClient", "update_engine_client",
        "--version");
  }

  private void assertSharedClass(String mainClass, String... command) throws Exception {
    String[] cmd = command.clone();
    cmd[0] = tool(cmd[0]).toString();
    Proc.Result r = Proc.run(LONG, Map.of("TURNOUT_JAVA_OPTS",
        "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xlog:class+load=info:stdout"), cmd);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).as(command[0] + "'s main class")
        .contains(mainClass + " source: shared objects file (top)");
  }

  @Test
  void aWholeUpdateRunsOnTheImagesOwnRuntime() throws Exception {
    Release release = serve("3900.0.0", 0);
    Proc d = daemon("daemon", 1);
    d.await(LONG, "the marking", l -> l.contains("(USR-A) good"));
    String runtime = extracted.resolve("usr/lib/turnout/runtime/bin/java").toString();
    assertThat(ProcessHandle.current().descendants().anyMatch(p -> p.info().command()
        .orElse("").equals(runtime))).as("the daemon runs on the image's runtime").isTrue();
    Proc.Result update = client("-update");
    assertThat(update.exit()).as(update.err()).isZero();
    assertThat(update.err()).endsWith("Update succeeded -- reboot needed.\n");
    assertThat(client("-status", "-json").out()).contains("\"current_operation\":"
        + "\"UPDATE_STATUS_UPDATED_NEED_REBOOT\"");
    assertThat(cgptNext()).isEqualTo(Machine.USR_B.toString());
    Invariant.checkDisk(this, A_GOOD, release);
  }

  /** Skips the unit check where systemd-analyze is missing (it fails in CI, which has it). */
  static final class Assumptions {
    static void assumeSystemdAnalyze() {
      boolean present = Files.isExecutable(Path.of("/usr/bin/systemd-analyze"));
      if (!present && "true".equals(System.getenv("CI"))) {
        throw new AssertionError("systemd-analyze is missing; .ci/run installs package systemd");
      }
      org.junit.jupiter.api.Assumptions.assumeTrue(present, "no systemd-analyze");
    }
  }
}
