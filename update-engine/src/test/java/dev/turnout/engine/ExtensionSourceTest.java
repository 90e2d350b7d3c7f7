package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtensionSourceTest {
  @TempDir Path dir;
  final Extension zfs = new Extension(Extension.Kind.FLATCAR, "zfs");

  private InstallPlan checked(String server, String packages) throws Exception {
    FakeNode node = new FakeNode(dir);
    node.write("/etc/flatcar/update.conf", "SERVER=" + server + "\n");
    TestRelease r = new TestRelease(dir, "1.1.0", 8192);
    node.omaha.answer(r.response(FakeNode.CODEBASE).replace("</packages>", packages
        + "</packages>").replace("<urls>", "<urls><url codebase=\"http://mirror.test/x\"/>"));
    OmahaParams p = node.params.load();
    return InstallPlan.start(true, 0).withParams(p).withResponse(node.omahaClient()
        .updateCheck(p.server(), "<request><updatecheck/></request>"), 0);
  }

  @Test
  void theResponsesPackageAtEveryCodebaseWithItsHashes() throws Exception {
    String hex = "ab".repeat(32);
    InstallPlan p = checked(FakeNode.SERVER, "<package name=\"flatcar-zfs.gz\" hash=\"c2hhMQ==\""
        + " hash_sha256=\"" + hex + "\" size=\"123\" required=\"false\"/>");
    ExtensionSource s = ExtensionSource.locate(zfs, p.response(), p.params(), "");
    assertThat(s.urls()).containsExactly("http://mirror.test/x/flatcar-zfs.gz",
        FakeNode.CODEBASE + "flatcar-zfs.gz");
    assertThat(s.size()).isEqualTo(123);
    assertThat(s.sha256()).isEqualTo(java.util.HexFormat.of().parseHex(hex));
    assertThat(s.sha1()).isEqualTo("c2hhMQ==");
  }

  @Test
  void aDevelopmentBuildsPrefixedName() throws Exception {
    InstallPlan p = checked(FakeNode.SERVER, "<package name=\"flatcar_test_update-flatcar-zfs.gz\""
        + " size=\"9\"/>");
    assertThat(ExtensionSource.locate(zfs, p.response(), p.params(), "").urls())
        .containsExactly("http://mirror.test/x/flatcar_test_update-flatcar-zfs.gz",
            FakeNode.CODEBASE + "flatcar_test_update-flatcar-zfs.gz");
  }

  @Test
  void aSelfHostedServerIsNeverLeftButForTheConfiguredBase() throws Exception {
    InstallPlan p = checked(FakeNode.SERVER, "");
    assertThatThrownBy(() -> ExtensionSource.locate(zfs, p.response(), p.params(), ""))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.EXTENSION_NO_SOURCE))
        .hasMessageContaining("flatcar-zfs.gz is not in the update response from "
            + FakeNode.SERVER);
    ExtensionSource s = ExtensionSource.locate(zfs, p.response(), p.params(),
        "https://mirror.lab/{BOARD}/{VERSION}");
    assertThat(s.urls()).containsExactly("https://mirror.lab/amd64-usr/1.1.0/flatcar-zfs.gz");
    assertThat(s.size()).isEqualTo(-1);
    assertThatThrownBy(() -> ExtensionSource.locate(zfs, p.response(), p.params(), "ftp://x/"))
        .hasMessageContaining("is not an http or https URL");
  }

  @Test
  void flatcarsReleaseServerOnlyForFlatcarsUpdateServer() throws Exception {
    InstallPlan p = checked(OmahaParams.DEFAULT_SERVER, "");
    assertThat(ExtensionSource.locate(zfs, p.response(), p.params(), "").urls()).containsExactly(
        "https://update.release.flatcar-linux.net/amd64-usr/1.1.0/flatcar-zfs.gz");
  }
}
