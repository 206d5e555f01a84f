// Where an exception thrown inside the router stops. The outside world reaches the router
// through its clock (timers), its Nics (frames, carrier changes), the console and the mgmt
// API; the agent wraps each entry so a bug in a protocol is logged with its context (stderr
// and %SYS-3-INTERNAL, as STYLE.md asks) and the router keeps running. Anything thrown
// elsewhere is the agent's own bug and is left to crash the process (see main.ts).
import type { Clock, Timer } from "../clock/clock";
import type { Nic } from "../io/nic";
import { NicDecorator } from "../io/nic-decorator";

export type BugReporter = (context: string, err: unknown) => void;

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

/** A clock whose callbacks cannot throw into the event loop. */
export function guardedClock(inner: Clock, report: BugReporter): Clock {
  const guard = (context: string, fn: () => void) => (): void => {
    try {
      fn();
    } catch (err) {
      report(context, err);
    }
  };
  return {
    now: () => inner.now(),
    after: (delayMs: number, fn: () => void): Timer => inner.after(delayMs, guard("timer", fn)),
    every: (periodMs: number, fn: () => void): Timer => inner.every(periodMs, guard("periodic timer", fn)),
    defer: (fn: () => void): void => inner.defer(guard("deferred task", fn)),
  };
}

/** A Nic whose receive and carrier handlers cannot throw into the socket's event handler. */
export class GuardedNic extends NicDecorator {
  constructor(
    inner: Nic,
    private readonly report: BugReporter,
    /** The IOS interface name, for the report. */
    private readonly iface: string,
  ) {
    super(inner);
  }

  override onReceive(handler: (frame: Uint8Array) => void): void {
    const context = `frame received on ${this.iface}`;
    this.inner.onReceive((frame) => {
      try {
        handler(frame);
      } catch (err) {
        this.report(context, err);
      }
    });
  }

  override onLinkChange(handler: (up: boolean) => void): void {
    const context = `carrier change on ${this.iface}`;
    this.inner.onLinkChange((up) => {
      try {
        handler(up);
      } catch (err) {
        this.report(context, err);
      }
    });
  }
}
