package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OmahaResponseParserTest {
  private static OmahaResponse parse(String xml) throws OmahaException {
    return OmahaResponseParser.parse(xml.getBytes(StandardCharsets.UTF_8));
  }

  private static void rejected(String xml, int code, String message) {
    assertThatThrownBy(() -> parse(xml)).isInstanceOf(OmahaException.class)
        .satisfies(e -> assertThat(((OmahaException) e).wireCode()).isEqualTo(code))
        .hasMessageContaining(message);
  }

  @Test
  void nebraskaUpdateResponse() throws Exception {
    OmahaResponse r = parse(Fixtures.UPDATE);
    assertThat(r.updateAvailable()).isTrue();
    assertThat(r.version()).isEqualTo("3732.0.0");
    assertThat(r.payloadUrls()).containsExactly(
        "https://update.release.flatcar-linux.net/amd64-usr/3732.0.0/flatcar_production_update.gz");
    assertThat(r.size()).isEqualTo(382137917L);
    assertThat(r.sha256()).isEqualTo("stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=");
    assertThat(r.sha1()).isEqualTo("I6DGNAOrJRUxPbCuLw+AITfiVMo=");
    assertThat(r.disablePayloadBackoff()).isTrue();
    assertThat(r.maxFailureCountPerUrl()).isEqualTo(10);
    assertThat(r.pollInterval()).isEmpty();
    assertThat(r.rawXml()).isEqualTo(Fixtures.UPDATE);
    assertThat(r.extraPackages()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("oem-azure.gz");
      assertThat(p.size()).isEqualTo(40897503L);
      assertThat(p.required()).isFalse();
      assertThat(HexFormat.of().formatHex(p.sha256()))
          .isEqualTo("3aed3129de50b959a97e4913ba485bd60e72d2bb6aa377d5ed404103f0680043");
    });
  }

  @Test
  void noUpdateTemplate() throws Exception {
    OmahaResponse r = parse(Fixtures.NO_UPDATE);
    assertThat(r.updateAvailable()).isFalse();
  }

  @Test
  void extensionHashesInBase64AsGoOmahaWritesThem() throws Exception {
    String b64 = "Ou0xKd5QuVmpfkkTukhb1g5y0rtqo3fV7UBBA/BoAEM=";
    OmahaResponse r = parse(Fixtures.UPDATE.replace(
        "3aed3129de50b959a97e4913ba485bd60e72d2bb6aa377d5ed404103f0680043", b64));
    assertThat(HexFormat.of().formatHex(r.extraPackages().get(0).sha256()))
        .isEqualTo("3aed3129de50b959a97e4913ba485bd60e72d2bb6aa377d5ed404103f0680043");
  }

  @Test
  void codebaseWithoutSlashIsJoinedWithOneAndEntitiesAreDecoded() throws Exception {
    OmahaResponse r = parse(Fixtures.UPDATE.replace(
        "https://update.release.flatcar-linux.net/amd64-usr/3732.0.0/",
        "http://lab/x?a=1&amp;b=2"));
    assertThat(r.payloadUrls()).containsExactly("http://lab/x?a=1&b=2/flatcar_production_update.gz");
  }

  @Test
  void severalUrlsAndOptionsAreKept() throws Exception {
    OmahaResponse r = parse(Fixtures.UPDATE
        .replace("</urls>", "  <url codebase=\"http://mirror/\"></url>\n        </urls>")
        .replace("DisablePayloadBackoff=\"true\"", "MaxFailureCountPerUrl=\"3\"")
        .replace("<updatecheck status=\"ok\">", "<updatecheck status=\"ok\" PollInterval=\"600\">"));
    assertThat(r.payloadUrls()).hasSize(2).last()
        .isEqualTo("http://mirror/flatcar_production_update.gz");
    assertThat(r.maxFailureCountPerUrl()).isEqualTo(3);
    assertThat(r.disablePayloadBackoff()).isFalse();
    assertThat(r.pollInterval()).hasValue(600);
  }

  @Test
  void sampleWithUnknownAttributesParses() throws Exception {
    OmahaResponse r = parse(Fixtures.UPDATE.replace("DisablePayloadBackoff=\"true\"",
        "MetadataSize=\"1234\" MetadataSignatureRsa=\"abc\" IsDeltaPayload=\"true\""
            + " deadline=\"now\""));
    assertThat(r.isDeltaPayload()).isTrue();
  }

  @Test
  void codebasesThatCannotBeDownloadedFromAreSkippedAndNoneLeftIsError34() throws Exception {
    String good = "https://update.release.flatcar-linux.net/amd64-usr/3732.0.0/";
    for (String bad : new String[] {"file:///etc/", "ftp://mirror.example/flatcar/",
        "http://127.0.0.1:99999/", "http:///no-host/", "https://exa mple/"}) {
      rejected(Fixtures.UPDATE.replace(good, bad), 34, "no urls/url");
      OmahaResponse r = parse(Fixtures.UPDATE.replace("<url codebase=\"" + good + "\"></url>",
          "<url codebase=\"" + bad + "\"></url><url codebase=\"" + good + "\"></url>"));
      assertThat(r.payloadUrls()).as(bad).containsExactly(good + "flatcar_production_update.gz");
    }
  }

  @Test
  void malformedResponsesGetTheirCodes() {
    rejected("", 30, "empty response");
    rejected("<response", 31, "not well-formed");
    rejected("<?xml version=\"1.0\"?><response protocol=\"3.0\"><app/></response>", 34,
        "no /response/app/updatecheck");
    rejected(Fixtures.NO_UPDATE.replace(" status=\"noupdate\"", ""), 34, "no status");
    rejected(Fixtures.NO_UPDATE.replace("noupdate", "error-internal"), 34,
        "status is \"error-internal\"");
    rejected(Fixtures.UPDATE.replaceAll("(?s)<manifest.*</manifest>", ""), 34,
        "no updatecheck/manifest");
    rejected(Fixtures.UPDATE.replaceAll("(?s)<urls>.*</urls>", ""), 34, "no urls/url");
    rejected(Fixtures.UPDATE.replaceAll("codebase=\"[^\"]*\"", "codebase=\"\""), 34,
        "empty codebase");
    rejected(Fixtures.UPDATE.replace("name=\"flatcar_production_update.gz\"", "name=\"\""), 34,
        "no name");
    rejected(Fixtures.UPDATE.replace("size=\"382137917\"", "size=\"0\""), 34, "not positive");
    rejected(Fixtures.UPDATE.replace("size=\"382137917\"", "size=\"big\""), 34, "not positive");
    rejected(Fixtures.UPDATE.replace("event=\"postinstall\"", "event=\"install\""), 34,
        "no postinstall action");
    rejected(Fixtures.UPDATE.replace("sha256=\"stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=\"",
        ""), 34, "no sha256");
  }

  @Test
  void externalEntitiesAreNeverResolved(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "TOPSECRET");
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + secret.toUri()
        + "\">]><response><app><updatecheck status=\"ok\" PollInterval=\"&x;\"/></app></response>";
    rejected(xxe, 31, "DOCTYPE");
    String billion = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">"
        + "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
        + "<response>&c;</response>";
    rejected(billion, 31, "DOCTYPE");
  }

  @Test
  void leadingIntegersParseLikeUpdateEngine() {
    assertThat(OmahaResponseParser.leadingLong("123abc")).isEqualTo(123);
    assertThat(OmahaResponseParser.leadingLong("abc")).isZero();
    assertThat(OmahaResponseParser.leadingLong("-5")).isEqualTo(-5);
  }

  @Test
  void aVersionThatIsNotAReleaseVersionIsAnInvalidResponse() throws Exception {
    for (String v : new String[] {"initial", "3732.0.0/../../x", "", "3732..0", "../3732",
        "3732.0.0+a/b", "3732.0.0 ", "x3732"}) {
      rejected(Fixtures.UPDATE.replace("version=\"3732.0.0\"", "version=\"" + v + "\""), 34,
          "is not a release version");
    }
    assertThat(parse(Fixtures.UPDATE.replace("version=\"3732.0.0\"",
        "version=\"3760.0.0+nightly-20231031-2100\"")).version())
        .as("Flatcar's nightlies").isEqualTo("3760.0.0+nightly-20231031-2100");
  }

  @Test
  void aMalformedHashThatIsPresentIsAnInvalidResponseNotAnAbsentOne() {
    rejected(Fixtures.UPDATE.replace(
        "3aed3129de50b959a97e4913ba485bd60e72d2bb6aa377d5ed404103f0680043", "3aed31"), 34,
        "oem-azure.gz has a hash_sha256 \"3aed31\" that is not a SHA-256");
    rejected(Fixtures.UPDATE.replace("stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=", "not-used"),
        34, "sha256 \"not-used\" is not a base64 SHA-256");
  }
}
