// Processes a lab runtime started or waits on, found again from the pids in a state file:
// alive or not, and still the same process (a pid is recycled once its process is gone, so a
// pid alone never decides what to signal).
import { readFileSync } from "node:fs";

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether `pid` still runs a program of ours whose command line contains every `marks`
 * (Linux: /proc); guards against killing a recycled pid. Elsewhere: whether it is alive. */
export function pidRuns(pid: number, marks: readonly string[]): boolean {
  if (!pidAlive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return marks.every((m) => cmdline.some((arg) => arg.includes(m)));
  } catch {
    return process.platform !== "linux";
  }
}

/** When the process started, in clock ticks since boot (Linux: /proc/PID/stat field 22);
 * undefined elsewhere or when it is gone. With the pid it names one process for good. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process `pid` that started at `startTicks` (processStartTicks) still runs. */
export function sameProcessAlive(pid: number, startTicks: number | undefined): boolean {
  if (!pidAlive(pid)) return false;
  const now = processStartTicks(pid);
  return now === undefined || startTicks === undefined || now === startTicks;
}

/** Resolves true once none of `pids` is alive, false when `ms` passed first. */
export async function waitForExit(pids: readonly number[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (pids.every((p) => !pidAlive(p))) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** How long a cancelled deploy gets to take down what it made before it is killed. */
const DEPLOYER_GRACE_MS = 30_000;

/**
 * Cancels a deploy still under way in another process (`flexlab up` of this lab): SIGTERM,
 * which makes it take down what it made, then waits for it to go; SIGKILL when it does not.
 * Nothing happens for a deployer that is gone, or that is this very process.
 */
export async function stopDeployer(deployer: { readonly pid: number; readonly startTicks?: number }): Promise<void> {
  const { pid, startTicks } = deployer;
  if (pid === process.pid || !sameProcessAlive(pid, startTicks)) return;
  process.kill(pid, "SIGTERM");
  if (await waitForExit([pid], DEPLOYER_GRACE_MS)) return;
  if (sameProcessAlive(pid, startTicks)) process.kill(pid, "SIGKILL");
  await waitForExit([pid], 2000);
}
