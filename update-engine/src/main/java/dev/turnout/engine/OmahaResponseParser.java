package dev.turnout.engine;


import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Parses update-check responses by update_engine's rules ({@code ParseResponse}): the first
 * {@code /response/app/updatecheck}; {@code noupdate} or {@code ok}; the manifest version; every
 * url codebase joined with the first package's name; its size; the postinstall action's
 * {@code sha256} and options. The response appid is not checked. DTDs are refused outright, so
 * neither external entities (XXE) nor entity expansion can happen.
 */
final class OmahaResponseParser {
  private static final Logger LOG = LoggerFactory.getLogger(OmahaResponseParser.class);
  private OmahaResponseParser() {}

  public static OmahaResponse parse(byte[] body) throws OmahaException {
    if (body.length == 0) {
      throw new OmahaException(ErrorCode.OMAHA_REQUEST_EMPTY_RESPONSE_ERROR,
          "the update server sent an empty response");
    }
    String raw = new String(body, StandardCharsets.UTF_8);
    Document doc = parseXml(body);
    Element root = doc.getDocumentElement();
    if (!"response".equals(root.getTagName())) {
      throw invalid("the document is not an Omaha <response>");
    }
    Element check = null;
    for (Element app : children(root, "app")) {
      List<Element> checks = children(app, "updatecheck");
      if (!checks.isEmpty()) {
        check = checks.get(0);
        break;
      }
    }
    if (check == null) {
      throw invalid("the response has no /response/app/updatecheck");
    }
    OptionalInt poll = OptionalInt.empty();
    try {
      if (check.hasAttribute("PollInterval")) {
        poll = OptionalInt.of(Integer.parseInt(check.getAttribute("PollInterval").strip()));
      }
    } catch (NumberFormatException e) {
      poll = OptionalInt.empty();
    }
    if (!check.hasAttribute("status")) {
      throw invalid("updatecheck has no status");
    }
    String status = check.getAttribute("status");
    if ("noupdate".equals(status)) {
      return OmahaResponse.noUpdate(poll, raw);
    }
    if (!"ok".equals(status)) {
      throw invalid("updatecheck status is \"" + status + "\"");
    }
    Element manifest = first(check, "manifest", "updatecheck/manifest");
    List<String> codebases = new ArrayList<>();
    for (Element urls : children(check, "urls")) {
      for (Element url : children(urls, "url")) {
        String codebase = url.getAttribute("codebase");
        if (codebase.isEmpty()) {
          throw invalid("a url has an empty codebase");
        }
        String why = unusableUrl(codebase);
        if (why != null) {
          LOG.warn("ignoring the codebase {}: {}", Redacted.url(codebase), why);
          continue;
        }
        codebases.add(codebase);
      }
    }
    if (codebases.isEmpty()) {
      throw invalid("the response has no urls/url that can be downloaded from (http or https,"
          + " with a host)");
    }
    List<Element> packages = new ArrayList<>();
    for (Element p : children(manifest, "packages")) {
      packages.addAll(children(p, "package"));
    }
    if (packages.isEmpty()) {
      throw invalid("the manifest has no packages/package");
    }
    Element pkg = packages.get(0);
    String name = pkg.getAttribute("name");
    if (name.isEmpty()) {
      throw invalid("the first package has no name");
    }
    long size = leadingLong(pkg.getAttribute("size"));
    if (size <= 0) {
      throw invalid("the package size \"" + pkg.getAttribute("size") + "\" is not positive");
    }
    List<String> urls = join(codebases, name);
    Element action = null;
    for (Element actions : children(manifest, "actions")) {
      for (Element a : children(actions, "action")) {
        if ("postinstall".equals(a.getAttribute("event"))) {
          action = a;
          break;
        }
      }
      if (action != null) {
        break;
      }
    }
    if (action == null) {
      throw invalid("the manifest has no postinstall action");
    }
    String sha256 = action.getAttribute("sha256");
    if (sha256.isEmpty()) {
      throw invalid("the postinstall action has no sha256");
    }
    if (!isBase64Sha256(sha256)) {
      throw invalid("the postinstall action's sha256 \"" + shown(sha256)
          + "\" is not a base64 SHA-256");
    }
    String version = manifest.getAttribute("version");
    if (!VERSION.matcher(version).matches()) {
      // The version names request URLs, staging files and extension images
      // (oem-ID-VERSION.raw): "initial" or "1.2.3/../../x" would name the wrong ones.
      throw invalid("the manifest version \"" + shown(version) + "\" is not a release version"
          + " (dotted numbers, optionally +build)");
    }
    int maxFailures = OmahaResponse.DEFAULT_MAX_FAILURE_COUNT_PER_URL;
    if (action.hasAttribute("MaxFailureCountPerUrl")) {
      try {
        maxFailures = Integer.parseInt(action.getAttribute("MaxFailureCountPerUrl"));
      } catch (NumberFormatException e) {
        maxFailures = OmahaResponse.DEFAULT_MAX_FAILURE_COUNT_PER_URL;
      }
    }
    List<OmahaResponse.Package> extra = new ArrayList<>();
    for (Element p : packages.subList(1, packages.size())) {
      String hash256 = p.getAttribute("hash_sha256");
      if (!hash256.isEmpty() && sha256Bytes(hash256) == null) {
        throw invalid("package " + shown(p.getAttribute("name")) + " has a hash_sha256 \""
            + shown(hash256) + "\" that is not a SHA-256 (64 hex digits or base64)");
      }
      extra.add(new OmahaResponse.Package(p.getAttribute("name"),
          leadingLong(p.getAttribute("size")), p.getAttribute("hash"),
          sha256Bytes(p.getAttribute("hash_sha256")), "true".equals(p.getAttribute("required")),
          join(codebases, p.getAttribute("name"))));
    }
    return new OmahaResponse(true, version, urls, name, size, sha256,
        pkg.getAttribute("hash"), "true".equals(action.getAttribute("DisablePayloadBackoff")),
        maxFailures, "true".equals(action.getAttribute("IsDeltaPayload")), poll, extra, raw);
  }

  /** Each codebase joined with {@code name}, with one '/' between (update_engine's rule). */
  private static List<String> join(List<String> codebases, String name) {
    return codebases.stream().map(c -> c.endsWith("/") ? c + name : c + "/" + name).toList();
  }

  /** Why a codebase cannot be downloaded from, or null when it can: http(s), a host, a port. */
  static String unusableUrl(String codebase) {
    java.net.URI u;
    try {
      u = new java.net.URI(codebase);
    } catch (java.net.URISyntaxException e) {
      return "not a URL";
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "only http and https are downloaded from";
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      return "no host";
    }
    if (u.getPort() > 65535) {
      return "the port is out of range";
    }
    return null;
  }

  private static Document parseXml(byte[] body) throws OmahaException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      f.setNamespaceAware(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
          throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
          throw e;
        }
      });
      b.setEntityResolver((publicId, systemId) -> {
        throw new SAXException("external entities are not allowed");
      });
      return b.parse(new ByteArrayInputStream(body));
    } catch (SAXException | IOException e) {
      throw new OmahaException(ErrorCode.OMAHA_REQUEST_XML_PARSE_ERROR,
          "the response is not well-formed XML: " + e.getMessage(), e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Element first(Element parent, String tag, String path) throws OmahaException {
    List<Element> list = children(parent, tag);
    if (list.isEmpty()) {
      throw invalid("the response has no " + path);
    }
    return list.get(0);
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && tag.equals(e.getTagName())) {
        out.add(e);
      }
    }
    return out;
  }

  /** A leading decimal integer, as update_engine's {@code ParseInt}; 0 when there is none. */
  static long leadingLong(String s) {
    String t = s.strip();
    int i = 0;
    if (i < t.length() && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
      i++;
    }
    int start = i;
    while (i < t.length() && Character.isDigit(t.charAt(i)) && i - start < 18) {
      i++;
    }
    if (i == start) {
      return 0;
    }
    return Long.parseLong(t.substring(0, i));
  }

  /** {@code hash_sha256} in hex (Flatcar tooling) or base64 (go-omaha); null otherwise. */
  static byte[] sha256Bytes(String s) {
    if (s.length() == 64 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return HexFormat.of().parseHex(s);
    }
    try {
      byte[] b = Base64.getDecoder().decode(s);
      return b.length == 32 ? b : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * A release version: dotted numbers (Flatcar's {@code 4081.2.0}), optionally with a build
   * suffix of letters, digits, dots and dashes after {@code +} (its nightlies:
   * {@code 4152.0.0+nightly-20241203-2100}); nothing that can climb a path or name a file that is
   * not a version's.
   */
  static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile(
      "[0-9]{1,9}(\\.[0-9]{1,9}){0,5}(\\+[0-9A-Za-z-]{1,64}(\\.[0-9A-Za-z-]{1,64}){0,8})?");

  private static boolean isBase64Sha256(String s) {
    try {
      return Base64.getDecoder().decode(s).length == 32;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A value from the server as a message shows it: printable, and not too long. */
  private static String shown(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(80).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return s.length() > 80 ? b + "..." : b.toString();
  }

  private static OmahaException invalid(String message) {
    return new OmahaException(ErrorCode.OMAHA_RESPONSE_INVALID, message);
  }
}
