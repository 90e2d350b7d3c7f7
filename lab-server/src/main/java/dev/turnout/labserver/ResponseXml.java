package dev.turnout.labserver;

/**
 * Flatcar-shaped responses (the shape of Nebraska's and {@code flatcar-update}'s): urls, a
 * manifest with the release version, the main package then extensions with SHA-1 {@code hash} and
 * hex {@code hash_sha256}, and the postinstall action with the payload's base64 {@code sha256} and
 * {@code DisablePayloadBackoff="true"}.
 */
final class ResponseXml {
  private ResponseXml() {}

  static String build(OmahaRequestView req, Channel update, String codebase) {
    StringBuilder sb = new StringBuilder();
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append("<response protocol=\"3.0\" server=\"turnout-lab\">\n");
    sb.append("  <daystart elapsed_seconds=\"0\"></daystart>\n");
    sb.append("  <app appid=\"").append(attr(req.appId())).append("\" status=\"ok\">\n");
    if (req.ping()) {
      sb.append("    <ping status=\"ok\"></ping>\n");
    }
    if (req.updateCheck()) {
      if (update == null) {
        sb.append("    <updatecheck status=\"noupdate\"></updatecheck>\n");
      } else {
        sb.append("    <updatecheck status=\"ok\">\n");
        sb.append("      <urls>\n");
        sb.append("        <url codebase=\"").append(attr(codebase)).append("\"></url>\n");
        sb.append("      </urls>\n");
        sb.append("      <manifest version=\"").append(attr(update.version())).append("\">\n");
        sb.append("        <packages>\n");
        pkg(sb, update.payload(), true);
        for (Channel.Served e : update.extensions()) {
          pkg(sb, e, false);
        }
        sb.append("        </packages>\n");
        sb.append("        <actions>\n");
        sb.append("          <action event=\"postinstall\" sha256=\"")
            .append(update.payload().sha256Base64())
            .append("\" DisablePayloadBackoff=\"true\"></action>\n");
        sb.append("        </actions>\n");
        sb.append("      </manifest>\n");
        sb.append("    </updatecheck>\n");
      }
    }
    for (int i = 0; i < req.events().size(); i++) {
      sb.append("    <event status=\"ok\"></event>\n");
    }
    sb.append("  </app>\n");
    sb.append("</response>\n");
    return sb.toString();
  }

  private static void pkg(StringBuilder sb, Channel.Served s, boolean required) {
    sb.append("          <package name=\"").append(attr(s.name())).append("\" hash=\"")
        .append(s.sha1Base64()).append("\" hash_sha256=\"").append(s.sha256Hex())
        .append("\" size=\"").append(s.size()).append("\" required=\"").append(required)
        .append("\"></package>\n");
  }

  static String attr(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
