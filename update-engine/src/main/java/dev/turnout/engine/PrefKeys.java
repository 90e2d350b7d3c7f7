package dev.turnout.engine;

/**
 * Every pref name the engine reads or writes, in one place, behind {@link AttemptRecord}:
 * update_engine's own ({@code prefs.cc}; other components read some of them) and Turnout's
 * ({@code turnout-*}).
 */
final class PrefKeys {
  // update_engine's
  static final String ALEPH_VERSION = "aleph-version";
  static final String PREVIOUS_VERSION = "previous-version";
  static final String FULL_RESPONSE = "full-response";
  static final String UPDATE_CHECK_RESPONSE_HASH = "update-check-response-hash";
  static final String UPDATE_STATE_NEXT_OPERATION = "update-state-next-operation";
  static final String UPDATE_STATE_NEXT_DATA_OFFSET = "update-state-next-data-offset";
  static final String UPDATE_STATE_SHA256_CONTEXT = "update-state-sha-256-context";
  static final String UPDATE_STATE_SIGNED_SHA256_CONTEXT =
      "update-state-signed-sha-256-context";
  static final String UPDATE_STATE_SIGNATURE_BLOB = "update-state-signature-blob";
  static final String MANIFEST_METADATA_SIZE = "manifest-metadata-size";
  static final String RESUMED_UPDATE_FAILURES = "resumed-update-failures";
  static final String PAYLOAD_ATTEMPT_NUMBER = "payload-attempt-number";
  static final String CURRENT_RESPONSE_SIGNATURE = "current-response-signature";
  static final String CURRENT_URL_INDEX = "current-url-index";
  static final String CURRENT_URL_FAILURE_COUNT = "current-url-failure-count";
  static final String BACKOFF_EXPIRY_TIME = "backoff-expiry-time";
  static final String DELTA_UPDATE_FAILURES = "delta-update-failures";

  // Turnout's: the download
  /** The full checkpoint (Turnout's hash-state format) beside update_engine's resume keys. */
  static final String CHECKPOINT = "update-state-turnout-checkpoint";

  // Turnout's: the install and the boots after it
  /** The boot an update was installed in; only a later boot can be a rollback. */
  static final String INSTALLED_BOOT_ID = "turnout-installed-boot-id";
  /** The version last installed, to tell later whether it came up. */
  static final String INSTALLED_VERSION = "turnout-installed-version";
  /** What each USR slot holds, as far as Turnout wrote or ran it: lines {@code USR-A 1.0.0}. */
  static final String SLOT_VERSIONS = "turnout-slot-versions";
  /** The version a rollback by hand left, until the check after its reboot reports it. */
  static final String ROLLBACK_FROM = "turnout-rollback-from";
  /** {@code <boot ID> <unix seconds>}: when the daemon began waiting for this boot's health. */
  static final String HEALTH_WAIT = "turnout-health-wait";
  /** {@code <boot ID> passed|failed}: what that boot's health gate came to. */
  static final String HEALTH_RESULT = "turnout-health-result";
  /** The boot that failed its health gate and fell back; falling back is once per boot. */
  static final String FELL_BACK_BOOT_ID = "turnout-fell-back-boot-id";
  /** The boot whose partition was marked good; marking is once per boot. */
  static final String MARKED_GOOD_BOOT_ID = "turnout-marked-good-boot-id";
  /** The rollback guard: which version failed to come up, how often, and when last. */
  static final String ROLLBACK_VERSION = "turnout-rollback-version";
  static final String ROLLBACK_COUNT = "turnout-rollback-count";
  static final String ROLLBACK_TIME = "turnout-rollback-time";

  // Turnout's: what GetStatus says across restarts
  static final String LAST_CHECKED = "turnout-last-checked-time";
  static final String NEW_VERSION = "turnout-new-version";
  static final String NEW_SIZE = "turnout-new-size";
  static final String LAST_ERROR_CODE = "turnout-last-error-code";
  static final String LAST_ERROR_WIRE = "turnout-last-error-wire-code";
  static final String LAST_ERROR_TIME = "turnout-last-error-time";
  static final String LAST_ERROR_MESSAGE = "turnout-last-error-message";

  // Turnout's: running totals for monitoring
  static final String TALLY_ATTEMPTS = "turnout-attempts-total";
  /** One line per code: {@code <wire code> <name> <count>}. */
  static final String TALLY_FAILURES = "turnout-failures-total";
  static final String TALLY_BYTES = "turnout-downloaded-bytes-total";
  static final String LAST_SUCCESS = "turnout-last-success-time";

  // Turnout's: the schedule of a daemon that exits when idle
  /** When the next check is due. */
  static final String NEXT_CHECK = "turnout-next-check-time";
  /** The last interval, whose doubling is the backoff against 500 and 503. */
  static final String CHECK_INTERVAL = "turnout-check-interval";

  // Turnout's: extensions
  static final String EXTENSIONS_TARGET = "turnout-extensions-version";
  static final String EXTENSIONS_FAILURES = "turnout-extensions-failures";
  static final String EXTENSIONS_LEFT_BEHIND = "turnout-extensions-left-behind";
  /** The extension images Turnout placed, with their hashes: only these are trusted or pruned. */
  static final String EXTENSIONS_PLACED = "turnout-extensions-placed";

  private PrefKeys() {}
}
