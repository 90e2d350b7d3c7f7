/**
 * The update daemon and its client, in one package so that only what other modules and the
 * launchers use is public (the rest is package-private). Its parts, from the top down; each uses
 * only parts below it, which {@code PartsTest} holds:
 *
 * <ul>
 *   <li>the client, {@link UpdateEngineClient}: Flatcar's flags and output.
 *   <li>the composition root: {@link Daemon} builds every part once from the options and the
 *       environment; {@link UpdateEngineMain} is its command line. Nothing else in the daemon
 *       chooses a real clock, disk, network or bus.
 *   <li>D-Bus: {@code com.coreos.update1} ({@link Manager}), who may call
 *       what, and logind.
 *   <li>the attempt: one update as an ordered list of stages
 *       ({@link UpdateAttempter}, assembled once by {@code Stages}), its
 *       status and signals, and when the next one runs ({@code CheckScheduler}).
 *   <li>the stages, one file each, in the order the attempter runs them: configure, check, plan,
 *       mark the target unbootable, download and apply, verify, fetch extensions, postinstall,
 *       set active, prune extensions, report. Each takes the {@code InstallPlan} and returns it
 *       enriched, or throws with the code to report; what outlives the attempt goes through the
 *       {@link AttemptRecord}, never prefs.
 *   <li>monitoring: the status file and the Prometheus text file.
 *   <li>extensions: the OEM agent's image and the Flatcar extensions the operator enabled, for
 *       the new version: which are wanted, where each comes from, how it is checked and put in
 *       place, which old images may go.
 *   <li>boot: the disk's slots (which USR partition runs, which is written), the kernels,
 *       marking a healthy boot good ({@link BootMarker}), the health gate
 *       and rollback.
 *   <li>state: {@link AttemptRecord}, the one owner of the attempt's
 *       bookkeeping, and behind it in prefs the payload's retry policy, the download's resume
 *       point, the rollback guard and the status kept across restarts.
 *   <li>Omaha: requests, responses, events and the parameters they carry.
 *   <li>HTTP: the clients, proxies and policies the payload, Omaha and extensions share.
 *   <li>prefs: one file per key, written durably.
 *   <li>status: what the engine reports ({@link UpdateStatus},
 *       {@link EngineStatus}) and failures with their codes
 *       ({@link ErrorCode}).
 *   <li>system: paths under one root, durable file operations, timers and sleep, hook
 *       processes, logging; each side effect behind a small interface with a real
 *       implementation.
 * </ul>
 */
package dev.turnout.engine;
