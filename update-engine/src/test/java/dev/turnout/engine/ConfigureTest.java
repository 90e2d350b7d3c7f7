package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigureTest {
  @TempDir Path dir;

  @Test
  void readsTheConfigurationAfreshForEveryAttempt() throws Exception {
    FakeNode node = new FakeNode(dir);
    Configure stage = new Configure(node.params);
    InstallPlan p = stage.run(InstallPlan.start(true, 0), StageSink.NONE);
    assertThat(p.params().server()).isEqualTo(FakeNode.SERVER);
    assertThat(p.params().group()).isEqualTo("stable");
    assertThat(p.ended()).isFalse();
    node.write("/etc/flatcar/update.conf", "SERVER=" + FakeNode.SERVER + "\nGROUP=beta\n");
    assertThat(stage.run(InstallPlan.start(true, 0), StageSink.NONE).params().group())
        .isEqualTo("beta");
  }

  @Test
  void disabledChecksEndTheAttemptWithoutAnError() throws Exception {
    FakeNode node = new FakeNode(dir);
    node.write("/etc/flatcar/update.conf", "SERVER=disabled\n");
    InstallPlan p = new Configure(node.params).run(InstallPlan.start(false, 0), StageSink.NONE);
    assertThat(p.ended()).isTrue();
    assertThat(node.omaha.requests).isEmpty();
  }

  @Test
  void nothingInAConfigurationFileStopsTheDaemon() throws Exception {
    FakeNode node = new FakeNode(dir);
    Path conf = node.paths.updateConf();
    Files.delete(conf);
    Files.createDirectories(conf.resolve("oops")); // a directory where update.conf should be
    InstallPlan p = new Configure(node.params).run(InstallPlan.start(true, 0), StageSink.NONE);
    assertThat(p.params().server()).isEqualTo(OmahaParams.DEFAULT_SERVER);
    assertThat(p.params().version()).as("the release file still counts").isEqualTo("1.0.0");
  }

  @Test
  void prefsThatCannotBeWrittenAreError2() throws Exception {
    FakeNode node = new FakeNode(dir);
    Files.createDirectories(node.paths.prefsDir().getParent());
    Files.writeString(node.paths.prefsDir(), "a file where the prefs directory should be");
    assertThatThrownBy(() -> new Configure(node.params).run(InstallPlan.start(true, 0),
        StageSink.NONE)).isInstanceOfSatisfying(UpdateException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.OMAHA_REQUEST_ERROR));
  }
}
