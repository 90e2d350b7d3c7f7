package dev.turnout.engine;

/**
 * The request documents, byte for byte as update_engine 0.4.10 writes them
 * ({@code GetRequestXml}, {@code GetOsXml}, {@code GetAppXml}, {@code GetAppBody}): lines end in
 * {@code \n}, {@code <os>} and {@code <app>} are indented 4 spaces, the body 8, braces on appid and
 * bootid but not machineid, {@code hardware_class=""} and {@code delta_okay="false"} always, and a
 * stray space before the {@code >} of {@code <app}.
 */
public final class OmahaRequest {
  /** {@code PACKAGE_NAME "-" PACKAGE_VERSION}; Nebraska treats other strings specially. */
  public static final String UPDATER_VERSION = "update_engine-0.4.10";

  private OmahaRequest() {}

  /**
   * The update check: ping, updatecheck, and the 3/2 "previous version" event, or 3/0 with error
   * 44 when {@code previousVersion} equals the running version (the last update rolled back).
   *
   * @param previousVersion the {@code previous-version} pref, or null when absent ("0.0.0.0")
   */
  public static String updateCheck(OmahaParams p, boolean interactive, String previousVersion) {
    String event;
    if (previousVersion != null && !previousVersion.isEmpty()
        && previousVersion.equals(p.version())) {
      event = "        <event eventtype=\"3\" eventresult=\"0\" errorcode=\"44\"></event>\n";
    } else {
      event = "        <event eventtype=\"3\" eventresult=\"2\" previousversion=\""
          + XmlText.encode(previousVersion == null ? "0.0.0.0" : previousVersion)
          + "\"></event>\n";
    }
    return document(p, interactive, "        <ping active=\"1\"></ping>\n"
        + "        <updatecheck></updatecheck>\n" + event);
  }

  /** The ping sent while an installed update waits for its reboot. */
  public static String ping(OmahaParams p, boolean interactive) {
    return document(p, interactive, "        <ping active=\"1\"></ping>\n");
  }

  /** An event report: no ping, no updatecheck; {@code errorcode} unless the result is success. */
  public static String event(OmahaParams p, boolean interactive, OmahaEvent e) {
    String code = e.result() != OmahaEvent.RESULT_SUCCESS
        ? " errorcode=\"" + e.errorCode() + "\"" : "";
    return document(p, interactive, "        <event eventtype=\"" + e.type() + "\" eventresult=\""
        + e.result() + "\"" + code + "></event>\n");
  }

  private static String document(OmahaParams p, boolean interactive, String body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<request protocol=\"3.0\" version=\"" + UPDATER_VERSION + "\" updaterversion=\""
        + UPDATER_VERSION + "\" installsource=\"" + (interactive ? "ondemandupdate" : "scheduler")
        + "\" ismachine=\"1\">\n"
        + "    <os version=\"Chateau\" platform=\"CoreOS\" sp=\"" + XmlText.encode(p.servicePack())
        + "\"></os>\n"
        + "    <app appid=\"" + XmlText.encode(p.appId())
        + "\" version=\"" + XmlText.encode(p.version())
        + "\" track=\"" + XmlText.encode(p.group())
        + "\" bootid=\"" + XmlText.encode("{" + p.bootId() + "}")
        + "\" oem=\"" + XmlText.encode(p.oem())
        + "\" oemversion=\"" + XmlText.encode(p.oemVersion())
        + "\" alephversion=\"" + XmlText.encode(p.alephVersion())
        + "\" machineid=\"" + XmlText.encode(p.machineId())
        + "\" machinealias=\"" + XmlText.encode(p.machineAlias())
        + "\" lang=\"en-US\" board=\"" + XmlText.encode(p.board())
        + "\" hardware_class=\"\" delta_okay=\"false\" >\n"
        + body
        + "    </app>\n"
        + "</request>\n";
  }
}
