// The router's only source of time. Nothing in core/router reads the wall clock or starts a
// global timer: it asks its Clock. The agent hands routers a RealClock; the simulation
// harness a VirtualClock that jumps straight to the next due timer.

export interface Timer {
  /** Stops the timer if it has not fired yet; harmless afterwards. */
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch (virtual in the harness). */
  now(): number;
  /** Runs `fn` once after `delayMs` (clamped to ≥ 0). */
  after(delayMs: number, fn: () => void): Timer;
  /** Runs `fn` every `periodMs` until cancelled; the first run is one period from now. */
  every(periodMs: number, fn: () => void): Timer;
  /** Runs `fn` soon, after the current task, before any timer that is due later. */
  defer(fn: () => void): void;
}
