// A clock whose callbacks cannot throw into whoever runs them (the event loop for an agent,
// the virtual clock's loop for the simulation harness). A callback that throws is a bug: it
// goes to the reporter with its context and the other timers keep running.
import type { Clock, Timer } from "./clock";

/** Where a caught exception goes: the context it was caught in, and what was thrown. */
export type BugReporter = (context: string, err: unknown) => void;

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
