package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OmahaParamsLoaderTest {
  @TempDir Path root;
  SystemPaths paths;
  Prefs prefs;

  @BeforeEach
  void setUp() {
    paths = new SystemPaths(root);
    prefs = new Prefs(paths.prefsDir());
  }

  private void write(String path, String text) throws IOException {
    Path p = paths.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private OmahaParams load() throws IOException {
    return new OmahaParamsLoader(paths, new PrefsAttemptRecord(prefs,
        java.time.Clock.systemUTC(), new java.util.Random(1)), "x86_64").load();
  }

  @Test
  void defaultsWithNoFiles() throws IOException {
    OmahaParams p = load();
    assertThat(p.server()).isEqualTo("https://public.update.flatcar-linux.net/v1/update/");
    assertThat(p.group()).isEqualTo("stable");
    assertThat(p.appId()).isEqualTo("{e96281a6-d1af-4bde-9a0a-97b76e56dc57}");
    assertThat(p.version()).isEmpty();
    assertThat(p.checksEnabled()).isTrue();
    assertThat(p.nonDefaultServer()).isFalse();
  }

  @Test
  void theFirstFileHoldingAKeyWins() throws IOException {
    write("/etc/flatcar/update.conf", "GROUP=beta\n");
    write("/usr/share/flatcar/update.conf",
        "SERVER=https://public.update.flatcar-linux.net/v1/update/\nGROUP=stable\n");
    write("/usr/share/flatcar/release", "FLATCAR_RELEASE_VERSION=3815.2.0\n"
        + "FLATCAR_RELEASE_BOARD=amd64-usr\nFLATCAR_RELEASE_APPID={e96281a6-d1af-4bde-9a0a-97b76e56dc57}\n"
        + "GROUP=alpha\nSERVER=http://ignored\n");
    write("/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
    write("/proc/sys/kernel/random/boot_id", "  1b3d5f7e-0000-4000-8000-000000000001\n");
    write("/usr/share/oem/oem-release", "ID=qemu\nVERSION_ID=0.2.0\n");
    OmahaParams p = load();
    assertThat(p.group()).isEqualTo("beta");
    assertThat(p.server()).isEqualTo("https://public.update.flatcar-linux.net/v1/update/");
    assertThat(p.version()).isEqualTo("3815.2.0");
    assertThat(p.board()).isEqualTo("amd64-usr");
    assertThat(p.machineId()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(p.bootId()).isEqualTo("1b3d5f7e-0000-4000-8000-000000000001");
    assertThat(p.oem()).isEqualTo("qemu");
    assertThat(p.oemVersion()).isEqualTo("0.2.0");
    assertThat(p.servicePack()).isEqualTo("3815.2.0_x86_64");
    assertThat(OmahaRequest.ping(p, false)).isEqualTo(OmahaRequest.ping(Fixtures.params()
        .withAlephVersion("3815.2.0"), false).replace("track=\"stable\"", "track=\"beta\""));
  }

  @Test
  void etcOemReleaseWinsOverUsrShareOem() throws IOException {
    write("/etc/oem-release", "ID=azure\n");
    write("/usr/share/oem/oem-release", "ID=qemu\nVERSION_ID=0.2.0\n");
    OmahaParams p = load();
    assertThat(p.oem()).isEqualTo("azure");
    assertThat(p.oemVersion()).isEmpty();
  }

  @Test
  void alephVersionIsTheFirstVersionThisMachineRan() throws IOException {
    write("/usr/share/flatcar/release", "FLATCAR_RELEASE_VERSION=3510.2.0\n");
    assertThat(load().alephVersion()).isEqualTo("3510.2.0");
    write("/usr/share/flatcar/release", "FLATCAR_RELEASE_VERSION=3815.2.0\n");
    assertThat(load().alephVersion()).isEqualTo("3510.2.0");
    assertThat(prefs.getString("aleph-version")).hasValue("3510.2.0");
  }

  @Test
  void serverDisabledOrInvalidStopsChecks() throws IOException {
    write("/etc/flatcar/update.conf", "SERVER=disabled\n");
    assertThat(load().checksEnabled()).isFalse();
    write("/etc/flatcar/update.conf", "SERVER=not a url\n");
    assertThat(load().checksEnabled()).isFalse();
    write("/etc/flatcar/update.conf", "SERVER=\"http://nebraska.lab:8000/v1/update\"\n");
    OmahaParams p = load();
    assertThat(p.checksEnabled()).isTrue();
    assertThat(p.server()).isEqualTo("http://nebraska.lab:8000/v1/update");
    assertThat(p.nonDefaultServer()).isTrue();
  }

  @Test
  void aByteThatIsNotUtf8CostsOnlyItsLine() throws IOException {
    java.nio.file.Files.createDirectories(paths.updateConf().getParent());
    java.nio.file.Files.write(paths.updateConf(), ("GROUP=beta\nMACHINE_ALIAS=caf\u00e9\n"
        + "SERVER=http://a/\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    OmahaParams p = load();
    assertThat(p.group()).isEqualTo("beta");
    assertThat(p.server()).isEqualTo("http://a/");
    assertThat(p.machineAlias()).as("the line with the bad byte is skipped").isEmpty();
  }

  @Test
  void aValueThatWouldChangeTheRequestIsRefusedForItsDefault() throws IOException {
    write("/etc/flatcar/update.conf", "GROUP=stable\" machineid=\"spoofed\n"
        + "MACHINE_ALIAS=a\u001bb\n");
    OmahaParams p = load();
    assertThat(p.group()).isEqualTo(OmahaParams.DEFAULT_GROUP);
    assertThat(p.machineAlias()).isEmpty();
    assertThat(OmahaRequest.updateCheck(p, false, null)).doesNotContain("spoofed");
  }

  @Test
  void everyRequestIsWellFormedXmlWhateverTheConfigurationHolds() throws Exception {
    java.util.Random r = new java.util.Random(42);
    javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory
        .newInstance();
    for (int round = 0; round < 300; round++) {
      StringBuilder conf = new StringBuilder();
      for (String key : new String[] {"GROUP", "MACHINE_ALIAS", "FLATCAR_RELEASE_BOARD",
          "FLATCAR_RELEASE_APPID"}) {
        StringBuilder v = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
          String[] odd = {"&", "<", ">", "\"", "'", "\u00e9", "\ud83d\ude00", "x", "]]>"};
          v.append(r.nextInt(4) == 0 ? String.valueOf((char) r.nextInt(0x80))
              : odd[r.nextInt(odd.length)]);
        }
        conf.append(key).append('=').append(v.toString().replace("\n", "")).append('\n');
      }
      write("/etc/flatcar/update.conf", conf.toString());
      write("/usr/share/flatcar/release", "FLATCAR_RELEASE_VERSION=1." + round + ".0\n");
      OmahaParams p = load();
      for (String xml : new String[] {OmahaRequest.updateCheck(p, true, "1.0.0"),
          OmahaRequest.ping(p, false)}) {
        org.w3c.dom.Document d = f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(
            xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        org.w3c.dom.Element app = (org.w3c.dom.Element) d.getElementsByTagName("app").item(0);
        assertThat(app.getAttribute("track")).as(conf.toString()).isEqualTo(p.group());
        assertThat(app.getAttributes().getLength()).as("no attribute injected").isEqualTo(13);
      }
    }
  }

  @Test
  void unknownKeysAndBadLinesAreWarnedOnceWithFileAndLine() throws IOException {
    write("/etc/flatcar/update.conf", "GROUP=beta\nSEVRER=http://typo/\njust words\n");
    java.util.List<String> warnings = new java.util.ArrayList<>();
    java.util.Map<String, String> m = KeyValueStore.read(paths.updateConf(),
        OmahaParamsLoader.UPDATE_CONF_KEYS, warnings::add);
    assertThat(m).containsEntry("GROUP", "beta");
    assertThat(warnings).containsExactly(paths.updateConf() + ":2: unknown key SEVRER (ignored)",
        paths.updateConf() + ":3: not KEY=value; line skipped");
  }
}
