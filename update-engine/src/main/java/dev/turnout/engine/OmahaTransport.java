package dev.turnout.engine;

/**
 * Carries one Omaha request to the server and brings back the body of its answer. The real one
 * is {@link HttpOmahaTransport}; tests answer from a script.
 */
public interface OmahaTransport {
  /**
   * Posts {@code requestXml} to {@code url}.
   *
   * @return the body of a 2xx answer
   * @throws OmahaException with the HTTP status for an HTTP failure (0: no answer at all), or
   *     {@code OMAHA_REQUEST_XML_PARSE_ERROR} for a body over the size limit
   */
  byte[] post(String url, String requestXml) throws OmahaException;
}
