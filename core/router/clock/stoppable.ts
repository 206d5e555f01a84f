// A clock that can be switched off: `stop()` cancels every timer still pending and makes
// later requests no-ops. An agent gives its router one, so closing the agent (a stopped or
// crashed router inside a router host, which goes on running others) leaves no timer of it
// firing into a router that is gone.
import type { Clock, Timer } from "./clock";

export class StoppableClock implements Clock {
  private readonly live = new Set<Timer>();
  private stopped = false;

  constructor(private readonly inner: Clock) {}

  now(): number {
    return this.inner.now();
  }

  after(delayMs: number, fn: () => void): Timer {
    if (this.stopped) return NO_TIMER;
    const timer: Timer = this.inner.after(delayMs, () => {
      this.live.delete(handle);
      fn();
    });
    const handle: Timer = { cancel: () => (this.live.delete(handle), timer.cancel()) };
    this.live.add(handle);
    return handle;
  }

  every(periodMs: number, fn: () => void): Timer {
    if (this.stopped) return NO_TIMER;
    const timer = this.inner.every(periodMs, fn);
    const handle: Timer = { cancel: () => (this.live.delete(handle), timer.cancel()) };
    this.live.add(handle);
    return handle;
  }

  defer(fn: () => void): void {
    if (this.stopped) return;
    this.inner.defer(() => {
      if (!this.stopped) fn();
    });
  }

  /** Timers still pending. */
  get pending(): number {
    return this.live.size;
  }

  stop(): void {
    this.stopped = true;
    for (const t of [...this.live]) t.cancel();
    this.live.clear();
  }
}

const NO_TIMER: Timer = { cancel: () => {} };
