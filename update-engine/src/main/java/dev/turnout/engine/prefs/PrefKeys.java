package dev.turnout.engine.prefs;

/** The pref names update_engine uses ({@code prefs.cc}); other components read some of them. */
public final class PrefKeys {
  public static final String ALEPH_VERSION = "aleph-version";
  public static final String PREVIOUS_VERSION = "previous-version";
  public static final String FULL_RESPONSE = "full-response";
  public static final String UPDATE_CHECK_RESPONSE_HASH = "update-check-response-hash";
  public static final String UPDATE_STATE_NEXT_OPERATION = "update-state-next-operation";
  public static final String UPDATE_STATE_NEXT_DATA_OFFSET = "update-state-next-data-offset";
  public static final String UPDATE_STATE_SHA256_CONTEXT = "update-state-sha-256-context";
  public static final String UPDATE_STATE_SIGNED_SHA256_CONTEXT =
      "update-state-signed-sha-256-context";
  public static final String UPDATE_STATE_SIGNATURE_BLOB = "update-state-signature-blob";
  public static final String MANIFEST_METADATA_SIZE = "manifest-metadata-size";
  public static final String RESUMED_UPDATE_FAILURES = "resumed-update-failures";
  public static final String PAYLOAD_ATTEMPT_NUMBER = "payload-attempt-number";
  public static final String CURRENT_RESPONSE_SIGNATURE = "current-response-signature";
  public static final String CURRENT_URL_INDEX = "current-url-index";
  public static final String CURRENT_URL_FAILURE_COUNT = "current-url-failure-count";
  public static final String BACKOFF_EXPIRY_TIME = "backoff-expiry-time";
  public static final String DELTA_UPDATE_FAILURES = "delta-update-failures";
  /** Turnout's: the boot an update was installed in; only a later boot can be a rollback. */
  public static final String INSTALLED_BOOT_ID = "turnout-installed-boot-id";
  /** Turnout's: the boot whose partition was marked good; marking is once per boot. */
  public static final String MARKED_GOOD_BOOT_ID = "turnout-marked-good-boot-id";

  private PrefKeys() {}
}
