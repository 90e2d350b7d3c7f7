package dev.turnout.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where payload bytes come from: the real one is HTTP ({@link HttpPayloadSource}), tests hand in
 * bytes from memory with cuts where they like. Called from the attempter's worker thread.
 */
interface PayloadSource {
  /**
   * Opens bytes {@code [from, end)} of {@code url} ({@code end} -1: to the end of the file).
   *
   * @throws RedirectRefusedException for a redirect the daemon does not follow (not retried)
   * @throws IOException when no body can be had now (a failed connection, an HTTP error); retried
   */
  Body open(String url, long from, long end) throws IOException;

  /** An open transfer. */
  interface Body extends Closeable {
    InputStream stream();

    /**
     * Whether the body starts at {@code from}; false when a server ignored {@code Range} and
     * sends the whole file, so the caller skips what it already has.
     */
    boolean startsAtFrom();

    /** A body over {@code in}; closing it runs {@code onClose}. */
    static Body of(InputStream in, boolean startsAtFrom, Closeable onClose) {
      return new Body() {
        @Override
        public InputStream stream() {
          return in;
        }

        @Override
        public boolean startsAtFrom() {
          return startsAtFrom;
        }

        @Override
        public void close() throws IOException {
          onClose.close();
        }
      };
    }
  }
}
