/**
 * Turnout's reboot coordinator, a drop-in for locksmithd: {@link dev.turnout.reboot.RebootdMain}
 * ({@code turnout-rebootd}) runs one {@code Coordinator} cycle against the update engine and
 * logind on the system bus and a reboot lock (locksmith's semaphore on etcd v3, or a FleetLock
 * server); {@link dev.turnout.reboot.RebootCtl} ({@code rebootctl}) is locksmithctl for either.
 * Settings come from update.conf as locksmithd reads them ({@code CoordinatorConfig}).
 */
package dev.turnout.reboot;
