package dev.turnout.engine;

/** Request parameters and responses used across the Omaha tests. */
final class Fixtures {
  private Fixtures() {}

  static OmahaParams params() {
    return new OmahaParams("https://public.update.flatcar-linux.net/v1/update/", "stable",
        "3815.2.0", "amd64-usr", "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}", "", "qemu", "0.2.0",
        "0123456789abcdef0123456789abcdef", "1b3d5f7e-0000-4000-8000-000000000001", "3510.2.0",
        "x86_64", "", "", null);
  }

  /** The spec's full update response (section 2.4), as Nebraska emits it. */
  static final String UPDATE = """
      <?xml version="1.0" encoding="UTF-8"?>
      <response protocol="3.0" server="nebraska">
        <daystart elapsed_seconds="0"></daystart>
        <app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" status="ok">
          <ping status="ok"></ping>
          <updatecheck status="ok">
            <urls>
              <url codebase="https://update.release.flatcar-linux.net/amd64-usr/3732.0.0/"></url>
            </urls>
            <manifest version="3732.0.0">
              <packages>
                <package name="flatcar_production_update.gz" hash="I6DGNAOrJRUxPbCuLw+AITfiVMo=" size="382137917" required="true"></package>
                <package name="oem-azure.gz" hash="wepxwEV9L2SS1l/ycEZSqWM3dDc=" hash_sha256="3aed3129de50b959a97e4913ba485bd60e72d2bb6aa377d5ed404103f0680043" size="40897503" required="false"></package>
              </packages>
              <actions>
                <action event="postinstall" sha256="stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=" DisablePayloadBackoff="true"></action>
              </actions>
            </manifest>
          </updatecheck>
          <event status="ok"></event>
        </app>
      </response>
      """;

  /** update_engine's GetNoUpdateResponse template. */
  static final String NO_UPDATE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response "
      + "protocol=\"3.0\"><daystart elapsed_seconds=\"100\"/><app appid=\""
      + "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}\" status=\"ok\"><ping status=\"ok\"/>"
      + "<updatecheck status=\"noupdate\"/></app></response>";
}
