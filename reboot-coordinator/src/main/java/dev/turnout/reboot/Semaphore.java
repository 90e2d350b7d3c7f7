package dev.turnout.reboot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reboot semaphore as locksmith keeps it in etcd (spec 7): {@code
 * {"semaphore":N,"max":M,"holders":[...]}}, written byte for byte as Go's encoding/json writes
 * locksmith's struct (fields in that order, no spaces, {@code null} for holders never set), so a
 * fleet that mixes Turnout nodes and nodes running locksmith's v3 build shares one semaphore.
 *
 * @param holders the ids holding a slot, sorted; null as locksmith's init writes it
 */
record Semaphore(long semaphore, long max, List<String> holders) {
  static final JsonFactory JSON = new JsonFactory();

  /** What a client writes when the key does not exist yet. */
  static final Semaphore INITIAL = new Semaphore(1, 1, null);

  Semaphore {
    holders = holders == null ? null : List.copyOf(holders);
  }

  List<String> holdersOrEmpty() {
    return holders == null ? List.of() : holders;
  }

  /** {@code id} takes a slot. */
  Semaphore lock(String id) throws LockException {
    // Held first: a holder asking again (a coordinator restarted before its reboot) is told
    // it holds, not that the semaphore is full, else it would wait for itself.
    if (holdersOrEmpty().contains(id)) {
      throw new LockException(LockException.Kind.HELD, "lock already held by " + id);
    }
    if (semaphore <= 0) {
      throw new LockException(LockException.Kind.FULL, "semaphore is at 0");
    }
    List<String> h = new ArrayList<>(holdersOrEmpty());
    h.add(id);
    h.sort(null);
    return new Semaphore(semaphore - 1, max, h);
  }

  /** {@code id} gives its slot back. */
  Semaphore unlock(String id) throws LockException {
    if (!holdersOrEmpty().contains(id)) {
      throw new LockException(LockException.Kind.NOT_HELD, "holder does not exist");
    }
    List<String> h = new ArrayList<>(holdersOrEmpty());
    h.remove(id);
    return new Semaphore(semaphore + 1, max, h);
  }

  /** A new maximum; the number of slots held stays as it is (locksmith's {@code set-max}). */
  Semaphore withMax(long newMax) {
    return new Semaphore(semaphore + (newMax - max), newMax, holders);
  }

  byte[] json() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.writeStartObject();
        g.writeNumberField("semaphore", semaphore);
        g.writeNumberField("max", max);
        g.writeFieldName("holders");
        if (holders == null) {
          g.writeNull();
        } else {
          g.writeStartArray();
          for (String h : holders) {
            g.writeString(h);
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses what locksmith (or Turnout) stored; anything else is an IOException naming why. */
  static Semaphore parse(byte[] json) throws IOException {
    long semaphore = 0;
    long max = 0;
    List<String> holders = null;
    boolean sawSemaphore = false;
    boolean sawMax = false;
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("the semaphore is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        switch (f) {
          case "semaphore" -> {
            semaphore = p.getLongValue();
            sawSemaphore = true;
          }
          case "max" -> {
            max = p.getLongValue();
            sawMax = true;
          }
          case "holders" -> {
            if (t == JsonToken.START_ARRAY) {
              holders = new ArrayList<>();
              while (p.nextToken() == JsonToken.VALUE_STRING) {
                holders.add(p.getText());
              }
            } else if (t != JsonToken.VALUE_NULL) {
              throw new IOException("holders is neither a list nor null");
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException("the semaphore is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (!sawSemaphore || !sawMax) {
      throw new IOException("the semaphore lacks " + (sawSemaphore ? "max" : "semaphore"));
    }
    return new Semaphore(semaphore, max, holders);
  }
}
