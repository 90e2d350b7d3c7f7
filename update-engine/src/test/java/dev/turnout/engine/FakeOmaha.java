package dev.turnout.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * An Omaha server in memory: update checks are answered from a queue the test fills (an XML body
 * or a failure), events and pings with an empty response. Every request is recorded.
 */
public final class FakeOmaha implements OmahaTransport {
  /** One request as sent. */
  public record Request(String url, String xml) {
    public boolean isUpdateCheck() {
      return xml.contains("<updatecheck");
    }

    public boolean isEvent() {
      return xml.contains("<event ");
    }
  }

  private final Deque<Object> answers = new ArrayDeque<>();
  public final List<Request> requests = new ArrayList<>();

  public synchronized FakeOmaha answer(String xml) {
    answers.add(xml.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  public synchronized FakeOmaha fail(OmahaException e) {
    answers.add(e);
    return this;
  }

  /**
   * The event reports sent (not the 3/2 an update check carries), as {@code type/result} or
   * {@code type/result:errorcode}.
   */
  public synchronized List<String> events() {
    List<String> out = new ArrayList<>();
    for (Request r : requests) {
      if (r.isUpdateCheck()) {
        continue;
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(
          "<event eventtype=\"(\\d+)\" eventresult=\"(\\d+)\"(?: errorcode=\"(\\d+)\")?")
          .matcher(r.xml());
      while (m.find()) {
        out.add(m.group(1) + "/" + m.group(2) + (m.group(3) == null ? "" : ":" + m.group(3)));
      }
    }
    return out;
  }

  public synchronized long updateChecks() {
    return requests.stream().filter(Request::isUpdateCheck).count();
  }

  @Override
  public synchronized byte[] post(String url, String requestXml) throws OmahaException {
    Request r = new Request(url, requestXml);
    requests.add(r);
    if (!r.isUpdateCheck()) {
      return "<?xml version=\"1.0\"?><response protocol=\"3.0\"/>".getBytes(StandardCharsets.UTF_8);
    }
    Object a = answers.poll();
    if (a == null) {
      throw new AssertionError("an update check the test did not expect: " + requestXml);
    }
    if (a instanceof OmahaException e) {
      throw e;
    }
    return (byte[]) a;
  }
}
