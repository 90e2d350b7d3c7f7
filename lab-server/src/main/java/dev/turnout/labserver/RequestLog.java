package dev.turnout.labserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON line per request the lab server handles (update checks, pings, events, downloads), so
 * operators and tests see what each machine reported. The last lines are also kept in memory.
 */
public final class RequestLog {
  private static final int KEEP = 10_000;
  private final ObjectMapper json = new ObjectMapper();
  private final PrintStream out;
  private final Clock clock;
  private final List<ObjectNode> recent = new ArrayList<>();

  public RequestLog(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  ObjectNode entry(String kind) {
    ObjectNode n = json.createObjectNode();
    n.put("time", clock.instant().toString());
    n.put("kind", kind);
    return n;
  }

  synchronized void write(ObjectNode n) {
    if (out != null) {
      out.println(n.toString());
      out.flush();
    }
    recent.add(n);
    if (recent.size() > KEEP) {
      recent.remove(0);
    }
  }

  /** The lines logged so far (the most recent {@value #KEEP}). */
  public synchronized List<ObjectNode> entries() {
    return List.copyOf(recent);
  }
}
