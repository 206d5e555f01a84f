// How the agent reports an exception thrown inside the router. The outside world reaches the
// router through its clock (timers: guardedClock), its Nics (frames and carrier changes: the
// router's Ethernet ports catch those themselves), the console and the mgmt API; each entry
// hands what it caught to one reporter, so a bug in a protocol is logged with its context
// (stderr and %SYS-3-INTERNAL, as STYLE.md asks) and the router keeps running. Anything
// thrown elsewhere is the agent's own bug and is left to crash the process (see main.ts).
import type { BugReporter } from "../clock/guarded";

/** Reports of the same bug beyond this many are thinned out (a bug on a per-frame path). */
const REPORT_IN_FULL = 5;

/**
 * Logs bugs without flooding: the first few of each kind in full, then the 10th, 100th, 1000th…
 * `sinks` get the one-line text; stderr also gets the stack.
 */
export function bugReporter(sinks: { stderr(text: string): void; log(text: string): void }): BugReporter {
  const seen = new Map<string, number>();
  return (context, err) => {
    const message = err instanceof Error ? err.message : String(err);
    const key = `${context}\0${message}`;
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count > REPORT_IN_FULL && !Number.isInteger(Math.log10(count))) return;
    const times = count > REPORT_IN_FULL ? ` (${count} times)` : "";
    const stack = err instanceof Error && err.stack ? `\n${err.stack}` : "";
    try {
      sinks.stderr(`flexlab-agent: internal error in ${context}${times}: ${message}${stack}\n`);
      sinks.log(`%SYS-3-INTERNAL: ${context}: ${message}${times}`);
    } catch {
      // A sink failing (stderr closed, a log listener throwing) must not undo the catch.
    }
  };
}
