package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WantedExtensionsTest {
  @TempDir Path dir;

  @Test
  void theOemOnlyWithItsMarkerAndTheEnabledNamesLessTheRemovedAndBuiltIn() throws Exception {
    FakeNode node = new FakeNode(dir);
    node.write("/usr/share/oem/oem-release", "ID=\"azure\"\nVERSION_ID=2.1\n");
    node.write("/usr/share/flatcar/enabled-sysext.conf", "zfs\ndocker-flatcar\n# a comment\n"
        + "podman # inline\n");
    node.write("/etc/flatcar/enabled-sysext.conf", "-podman\npython\n../../etc/passwd\n\n");
    assertThat(WantedExtensions.read(node.paths)).extracting(Extension::id)
        .containsExactly("flatcar-zfs", "flatcar-python");

    node.write("/oem/sysext/active-oem-azure", "");
    assertThat(WantedExtensions.read(node.paths)).extracting(Extension::id)
        .containsExactly("oem-azure", "flatcar-zfs", "flatcar-python");
  }

  @Test
  void olderImagesKeepTheOemMarkerAndReleaseElsewhere() throws Exception {
    FakeNode node = new FakeNode(dir);
    node.write("/oem/oem-release", "ID=gce\n");
    node.write("/usr/share/oem/sysext/active-oem-gce", "");
    assertThat(WantedExtensions.read(node.paths)).extracting(Extension::id)
        .containsExactly("oem-gce");
  }

  @Test
  void namesAndFiles() {
    Extension e = new Extension(Extension.Kind.OEM, "azure");
    assertThat(e.packageName()).isEqualTo("oem-azure.gz");
    assertThat(e.devPackageName()).isEqualTo("flatcar_test_update-oem-azure.gz");
    assertThat(e.fileName("3900.0.0")).isEqualTo("oem-azure-3900.0.0.raw");
    assertThat(new Extension(Extension.Kind.FLATCAR, "nvidia-drivers-535").fileName("1.2.3"))
        .isEqualTo("flatcar-nvidia-drivers-535-1.2.3.raw");
  }

  @Test
  void aLineThatIsNotUtf8IsSkippedNotFatal() throws Exception {
    FakeNode node = new FakeNode(dir);
    java.nio.file.Path conf = node.paths.resolve("/etc/flatcar/enabled-sysext.conf");
    java.nio.file.Files.createDirectories(conf.getParent());
    java.nio.file.Files.write(conf, new byte[] {'z', 'f', 's', '\n', (byte) 0xff, 'x', '\n',
        'p', 'o', 'd', 'm', 'a', 'n', '\n'});
    java.nio.file.Path release = node.paths.resolve("/usr/share/oem/oem-release");
    java.nio.file.Files.createDirectories(release.getParent());
    java.nio.file.Files.write(release, new byte[] {'N', 'A', 'M', 'E', '=', (byte) 0xc3, '\n',
        'I', 'D', '=', 'a', 'z', 'u', 'r', 'e', '\n'});
    node.write("/oem/sysext/active-oem-azure", "");
    assertThat(WantedExtensions.read(node.paths)).extracting(Extension::id)
        .containsExactly("oem-azure", "flatcar-zfs", "flatcar-podman");
  }
}
