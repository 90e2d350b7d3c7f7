package dev.turnout.engine;

/**
 * Update checks and events over an {@link OmahaTransport}: a check's answer is parsed (and
 * refused with update_engine's codes 30/31/34 when it is not a usable response); an event's or a
 * ping's answer is not looked at (they are best effort).
 */
public final class OmahaClient {
  private final OmahaTransport transport;

  public OmahaClient(OmahaTransport transport) {
    this.transport = transport;
  }

  /** Posts an update check and parses the response. */
  public OmahaResponse updateCheck(String url, String requestXml) throws OmahaException {
    return OmahaResponseParser.parse(transport.post(url, requestXml));
  }

  /** Posts a ping or an event. */
  public void send(String url, String requestXml) throws OmahaException {
    transport.post(url, requestXml);
  }
}
