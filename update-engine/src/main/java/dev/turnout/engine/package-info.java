/**
 * The update daemon: the Omaha client, the update pipeline (check, plan, mark target unbootable,
 * download and apply, verify, postinstall, set active, report), prefs, the check scheduler, marking a
 * healthy boot good, the {@code com.coreos.update1} D-Bus service and {@code update_engine_client}, and
 * the small Omaha server for labs and tests.
 *
 * <p>It joins {@code payload-format} (the payload) and {@code gpt-tools} (the A/B switch).
 */
package dev.turnout.engine;
