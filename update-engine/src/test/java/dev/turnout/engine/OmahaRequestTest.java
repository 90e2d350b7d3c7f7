package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The request bytes, as update_engine 0.4.10 writes them (omaha_request_action Format* tests). */
class OmahaRequestTest {
  private static final String HEAD = """
      <?xml version="1.0" encoding="UTF-8"?>
      <request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">
          <os version="Chateau" platform="CoreOS" sp="3815.2.0_x86_64"></os>
          <app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="3815.2.0" track="stable" bootid="{1b3d5f7e-0000-4000-8000-000000000001}" oem="qemu" oemversion="0.2.0" alephversion="3510.2.0" machineid="0123456789abcdef0123456789abcdef" machinealias="" lang="en-US" board="amd64-usr" hardware_class="" delta_okay="false" >
      """;
  private static final String TAIL = "    </app>\n</request>\n";

  @Test
  void updateCheckAfterAnUpdateReportsThePreviousVersion() {
    assertThat(OmahaRequest.updateCheck(Fixtures.params(), false, "3760.1.0")).isEqualTo(HEAD
        + "        <ping active=\"1\"></ping>\n"
        + "        <updatecheck></updatecheck>\n"
        + "        <event eventtype=\"3\" eventresult=\"2\" previousversion=\"3760.1.0\"></event>\n"
        + TAIL);
  }

  @Test
  void updateCheckWithoutThePrefSaysZeroAndAnEmptyPrefSaysNothing() {
    assertThat(OmahaRequest.updateCheck(Fixtures.params(), false, null))
        .contains("<event eventtype=\"3\" eventresult=\"2\" previousversion=\"0.0.0.0\"></event>");
    assertThat(OmahaRequest.updateCheck(Fixtures.params(), false, ""))
        .contains("<event eventtype=\"3\" eventresult=\"2\" previousversion=\"\"></event>");
    // FormatUpdateCheckOutput's substring
    assertThat(OmahaRequest.updateCheck(Fixtures.params(), false, ""))
        .contains("<ping active=\"1\"></ping>\n        <updatecheck></updatecheck>\n");
  }

  @Test
  void aRollbackIsReportedAsError44() {
    assertThat(OmahaRequest.updateCheck(Fixtures.params(), false, "3815.2.0")).isEqualTo(HEAD
        + "        <ping active=\"1\"></ping>\n"
        + "        <updatecheck></updatecheck>\n"
        + "        <event eventtype=\"3\" eventresult=\"0\" errorcode=\"44\"></event>\n"
        + TAIL);
  }

  @Test
  void interactiveChecksSayOndemandupdate() {
    assertThat(OmahaRequest.updateCheck(Fixtures.params(), true, ""))
        .contains(" installsource=\"ondemandupdate\" ismachine=\"1\">\n");
  }

  @Test
  void pingOnly() {
    assertThat(OmahaRequest.ping(Fixtures.params(), false))
        .isEqualTo(HEAD + "        <ping active=\"1\"></ping>\n" + TAIL);
  }

  @Test
  void successAndErrorEvents() {
    assertThat(OmahaRequest.event(Fixtures.params(), false, OmahaEvent.downloadStarted()))
        .isEqualTo(HEAD + "        <event eventtype=\"13\" eventresult=\"1\"></event>\n" + TAIL);
    int code = 10 | OmahaEvent.FLAG_NON_DEFAULT_SERVER;
    assertThat(OmahaRequest.event(Fixtures.params(), false, OmahaEvent.error(code)))
        .isEqualTo(HEAD + "        <event eventtype=\"3\" eventresult=\"0\" "
            + "errorcode=\"268435466\"></event>\n" + TAIL);
    assertThat(OmahaEvent.error(40 | OmahaEvent.FLAG_RESUMED).result())
        .isEqualTo(OmahaEvent.RESULT_UPDATE_DEFERRED);
  }

  @Test
  void xmlEncodingFollowsLibxml2() {
    // XmlEncodeTest: non-ASCII as &#x..; (upper case), & < > escaped, " left alone.
    assertThat(XmlText.encode("foo-\u03a9")).isEqualTo("foo-&#x3A9;");
    assertThat(XmlText.encode("<&>\"'")).isEqualTo("&lt;&amp;&gt;\"'");
    assertThat(XmlText.encode("\ud83d\ude00")).isEqualTo("&#x1F600;");
    OmahaParams p = Fixtures.params();
    OmahaParams odd = new OmahaParams(p.server(), "b\u00e9ta&<x>", p.version(), p.board(),
        p.appId(), "my \"box\"", p.oem(), p.oemVersion(), p.machineId(), p.bootId(),
        p.alephVersion(), p.arch(), "", "", null);
    assertThat(OmahaRequest.ping(odd, false)).contains("track=\"b&#xE9;ta&amp;&lt;x&gt;\"")
        .contains("machinealias=\"my \"box\"\"");
  }
}
