package dev.turnout.payload;

import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * The consumer's checkpoint bookkeeping. Operations finish out of order on the pool; an apply can
 * only resume after the longest prefix of finished operations, at the payload offset and running
 * hash recorded when the last of them was dispatched. {@link #offer} is called in dispatch order
 * from the feeding thread, {@link #finished} from the pool, {@link #advance} from the feeding
 * thread once the targets are forced.
 */
final class ResumePoints {
  /** Where an apply can resume: the next step, its data offset, the payload hash state before it. */
  record Point(int nextStep, long nextDataOffset, byte[] hashState) {}

  private final ArrayDeque<Point> offered = new ArrayDeque<>();
  private final BitSet finished = new BitSet();
  private int finishedPrefix;
  private Point durable;

  /** Starts at {@code start}, the point of a fresh apply or of the checkpoint resumed from. */
  ResumePoints(Point start) {
    this.durable = start;
    this.finishedPrefix = start.nextStep();
  }

  /** A step was dispatched; once it and all before it finish, {@code after} is a resume point. */
  void offer(Point after) {
    offered.add(after);
  }

  synchronized void finished(int stepIndex) {
    finished.set(stepIndex);
    while (finished.get(finishedPrefix)) {
      finishedPrefix++;
    }
  }

  synchronized int finishedPrefix() {
    return finishedPrefix;
  }

  /**
   * The furthest offered point whose steps have all finished, or null when none is further than
   * the durable one. The caller forces the targets, then {@link #advance}s to it.
   */
  Point next() {
    int done = finishedPrefix();
    Point best = null;
    while (!offered.isEmpty() && offered.peek().nextStep() <= done) {
      best = offered.poll();
    }
    return best;
  }

  void advance(Point p) {
    durable = p;
  }

  Point durable() {
    return durable;
  }
}
