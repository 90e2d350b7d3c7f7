package dev.turnout.reboot;

import java.io.IOException;

/**
 * A cluster-wide reboot lock: the etcd v3 semaphore or a FleetLock server. Each call is one
 * exchange (with the etcd semaphore's own compare-and-swap retries); the coordinator retries
 * with backoff. An IOException means the backend could not be reached or answered oddly.
 */
interface RebootLock {
  /** Takes a slot for {@code id}; {@link LockException.Kind#HELD} when it has one already. */
  void lock(String id) throws IOException, LockException;

  /** Gives {@code id}'s slot back; {@link LockException.Kind#NOT_HELD} when it had none. */
  void unlock(String id) throws IOException, LockException;

  /** Whether {@code id} holds a slot, or empty when the backend cannot tell (FleetLock). */
  java.util.Optional<Boolean> holds(String id) throws IOException;

  /** What {@code rebootctl status} shows. */
  Semaphore status() throws IOException, LockException;

  /** {@code rebootctl set-max N}. */
  void setMax(long max) throws IOException, LockException;
}
