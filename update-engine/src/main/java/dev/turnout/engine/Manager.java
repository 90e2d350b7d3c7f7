package dev.turnout.engine;

import org.freedesktop.dbus.Tuple;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;

/**
 * {@code com.coreos.update1.Manager} at {@code /com/coreos/update1}, as update_engine exports it
 * ({@code update_engine.xml}): locksmith, FLUO and {@code update_engine_client} call these.
 */
@DBusInterfaceName("com.coreos.update1.Manager")
public interface Manager extends DBusInterface {
  String BUS_NAME = "com.coreos.update1";
  String OBJECT_PATH = "/com/coreos/update1";

  /** Starts an interactive update check when IDLE; always returns at once. */
  void AttemptUpdate();

  /** From UPDATED_NEED_REBOOT back to IDLE; an error reply in any other busy state. */
  void ResetStatus();

  /** {@code (x last_checked_time, d progress, s current_operation, s new_version, x new_size)}. */
  Status<Long, Double, String, String, Long> GetStatus();

  /**
   * The five out-arguments of {@code GetStatus}. dbus-java derives out-argument types from a
   * tuple's type arguments, hence the generic form; use it as
   * {@code Status<Long, Double, String, String, Long>}.
   */
  final class Status<A, B, C, D, E> extends Tuple {
    @Position(0) public final A lastCheckedTime;
    @Position(1) public final B progress;
    @Position(2) public final C currentOperation;
    @Position(3) public final D newVersion;
    @Position(4) public final E newSize;

    public Status(A lastCheckedTime, B progress, C currentOperation, D newVersion, E newSize) {
      this.lastCheckedTime = lastCheckedTime;
      this.progress = progress;
      this.currentOperation = currentOperation;
      this.newVersion = newVersion;
      this.newSize = newSize;
    }

    public long getLastCheckedTime() {
      return ((Number) lastCheckedTime).longValue();
    }

    public double getProgress() {
      return ((Number) progress).doubleValue();
    }

    public String getCurrentOperation() {
      return String.valueOf(currentOperation);
    }

    public String getNewVersion() {
      return String.valueOf(newVersion);
    }

    public long getNewSize() {
      return ((Number) newSize).longValue();
    }
  }

  /** {@code StatusUpdate(xdssx)}: emitted on every status change and progress tick. */
  class StatusUpdate extends DBusSignal {
    private final long lastCheckedTime;
    private final double progress;
    private final String currentOperation;
    private final String newVersion;
    private final long newSize;

    public StatusUpdate(String path, long lastCheckedTime, double progress,
        String currentOperation, String newVersion, long newSize) throws DBusException {
      super(path, lastCheckedTime, progress, currentOperation, newVersion, newSize);
      this.lastCheckedTime = lastCheckedTime;
      this.progress = progress;
      this.currentOperation = currentOperation;
      this.newVersion = newVersion;
      this.newSize = newSize;
    }

    public long getLastCheckedTime() {
      return lastCheckedTime;
    }

    public double getProgress() {
      return progress;
    }

    public String getCurrentOperation() {
      return currentOperation;
    }

    public String getNewVersion() {
      return newVersion;
    }

    public long getNewSize() {
      return newSize;
    }
  }
}
