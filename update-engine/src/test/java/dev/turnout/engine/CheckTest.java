package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckTest {
  @TempDir Path dir;
  FakeNode node;
  Check check;
  InstallPlan configured;

  @BeforeEach
  void setUp() throws Exception {
    node = new FakeNode(dir);
    check = new Check(node.omahaClient(), node.record, () -> {
      node.marks++;
      return java.util.Optional.empty();
    }, node.clock);
    configured = InstallPlan.start(true, 0).withParams(node.params.load());
  }

  @Test
  void anOfferedUpdateIsKeptWithTheTimeOfTheCheck() throws Exception {
    TestRelease r = new TestRelease(dir, "1.1.0", 8192);
    node.omaha.answer(r.response(FakeNode.CODEBASE));
    node.clock.advance(Duration.ofSeconds(5));
    InstallPlan p = check.run(configured, StageSink.NONE);
    assertThat(p.ended()).isFalse();
    assertThat(p.response().version()).isEqualTo("1.1.0");
    assertThat(p.response().payloadUrls())
        .containsExactly(FakeNode.CODEBASE + "flatcar_production_update.gz");
    assertThat(p.checkedAt()).isEqualTo(node.clock.instant().getEpochSecond());
    assertThat(node.prefs.getString("full-response")).contains(r.response(FakeNode.CODEBASE));
    assertThat(node.marks).as("the booted slot is marked good before the check").isEqualTo(1);
    assertThat(node.omaha.requests.get(0).url()).isEqualTo(FakeNode.SERVER);
    assertThat(node.omaha.requests.get(0).xml()).contains("<updatecheck")
        .contains("track=\"stable\"").contains("version=\"1.0.0\"");
  }

  @Test
  void noUpdateEndsTheAttempt() throws Exception {
    node.omaha.answer(TestRelease.noUpdate());
    InstallPlan p = check.run(configured, StageSink.NONE);
    assertThat(p.ended()).isTrue();
    assertThat(p.response().updateAvailable()).isFalse();
  }

  @Test
  void anHttpFailureKeepsItsStatusApartFromItsCode() throws Exception {
    node.omaha.fail(OmahaException.http(503, "the update server answered HTTP 503", null));
    assertThatThrownBy(() -> check.run(configured, StageSink.NONE))
        .isInstanceOfSatisfying(UpdateException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.OMAHA_REQUEST_HTTP_RESPONSE_BASE);
          assertThat(e.httpStatus()).hasValue(503);
          assertThat(e.wireCode()).isEqualTo(2503);
          assertThat(e).hasMessage("the update server answered HTTP 503");
        });
  }

  @Test
  void aBadResponseIsItsParseCode() throws Exception {
    node.omaha.answer("<response><app");
    assertThatThrownBy(() -> check.run(configured, StageSink.NONE))
        .isInstanceOfSatisfying(UpdateException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.OMAHA_REQUEST_XML_PARSE_ERROR));
  }

  @Test
  void comingBackOnThePreviousVersionIsARollbackOfTheInstalledOne() throws Exception {
    node.prefs.setString("turnout-installed-version", "1.1.0");
    node.prefs.setString("previous-version", "1.0.0"); // we run 1.0.0 again
    node.omaha.answer(TestRelease.noUpdate());
    check.run(configured, StageSink.NONE);
    assertThat(node.refusal("1.1.0")).hasValueSatisfying(
        why -> assertThat(why).contains("rolled back 1 time(s)"));
    assertThat(node.omaha.requests.get(0).xml()).contains("eventresult=\"0\" errorcode=\"44\"");
    assertThat(node.prefs.getString("previous-version")).hasValue("");
  }

  @Test
  void withinTheBootThatInstalledTheUpdateNothingRolledBack() throws Exception {
    node.write("/proc/sys/kernel/random/boot_id", "7d4c1e2a-1111-4222-8333-944455556666\n");
    configured = InstallPlan.start(true, 0).withParams(node.params.load());
    node.prefs.setString("turnout-installed-version", "1.1.0");
    node.prefs.setString("previous-version", "1.0.0");
    node.prefs.setString("turnout-installed-boot-id", "7d4c1e2a-1111-4222-8333-944455556666");
    node.omaha.answer(TestRelease.noUpdate()); // after ResetStatus, say: no reboot yet
    check.run(configured, StageSink.NONE);
    assertThat(node.refusal("1.1.0")).isEmpty();
    assertThat(node.omaha.requests.get(0).xml()).doesNotContain("errorcode=\"44\"");
    assertThat(node.prefs.getString("previous-version")).as("kept for the real reboot")
        .hasValue("1.0.0");
  }
}
