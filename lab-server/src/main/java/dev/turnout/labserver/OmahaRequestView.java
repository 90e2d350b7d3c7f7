package dev.turnout.labserver;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** What the lab server reads from a client's request: the app's attributes and its body. */
record OmahaRequestView(String installSource, String appId, String version, String track,
    String machineId, String bootId, String oem, String alephVersion, boolean ping,
    boolean updateCheck, List<Event> events) {

  record Event(int type, int result, Integer errorCode, String previousVersion) {}

  /** Parses a request with DTDs refused; throws on anything that is not an Omaha request. */
  static OmahaRequestView parse(byte[] body) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setExpandEntityReferences(false);
    var builder = f.newDocumentBuilder();
    builder.setErrorHandler(null);
    Document doc = builder.parse(new ByteArrayInputStream(body));
    Element req = doc.getDocumentElement();
    if (!"request".equals(req.getTagName())) {
      throw new IllegalArgumentException("not an Omaha request");
    }
    Element app = child(req, "app");
    if (app == null) {
      throw new IllegalArgumentException("the request has no <app>");
    }
    List<Event> events = new ArrayList<>();
    for (Node n = app.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && "event".equals(e.getTagName())) {
        events.add(new Event(intOr(e.getAttribute("eventtype"), 0),
            intOr(e.getAttribute("eventresult"), 0),
            e.hasAttribute("errorcode") ? intOr(e.getAttribute("errorcode"), 0) : null,
            e.hasAttribute("previousversion") ? e.getAttribute("previousversion") : null));
      }
    }
    return new OmahaRequestView(req.getAttribute("installsource"), app.getAttribute("appid"),
        app.getAttribute("version"), app.getAttribute("track"), app.getAttribute("machineid"),
        app.getAttribute("bootid"), app.getAttribute("oem"), app.getAttribute("alephversion"),
        child(app, "ping") != null, child(app, "updatecheck") != null, events);
  }

  private static Element child(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && tag.equals(e.getTagName())) {
        return e;
      }
    }
    return null;
  }

  private static int intOr(String s, int fallback) {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
