package dev.turnout.engine;

/**
 * Attribute text as libxml2's {@code xmlEncodeEntitiesReentrant} writes it in update_engine's
 * requests: {@code &}, {@code <}, {@code >} and carriage return escaped, every non-ASCII code point
 * as {@code &#xHEX;} (upper case), and {@code "} left as it is.
 */
final class XmlText {
  private XmlText() {}

  static String encode(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    s.codePoints().forEach(cp -> {
      switch (cp) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '\r' -> sb.append("&#13;");
        default -> {
          if (cp < 0x80) {
            sb.append((char) cp);
          } else {
            sb.append("&#x").append(Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT))
                .append(';');
          }
        }
      }
    });
    return sb.toString();
  }
}
