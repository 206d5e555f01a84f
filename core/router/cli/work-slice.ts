// Long exec work (a big paste, a filter over a long show) runs in slices: after each slice's
// worth of work it lets the router's clock run everything else that is due — received frames,
// timers, the console and the mgmt API — before going on, so one command never stalls
// forwarding, and an escape (Ctrl-C, an exec timeout) is seen between slices. The unit of
// work is the caller's (a config line, a regex step); the budget keeps a slice to a few
// milliseconds on these machines. A pause is the clock's `defer`: with a virtual clock, the
// one driving it must run deferred work (the simulation harness does, while a command runs).
import type { Clock } from "../clock/clock";

/** Regex steps (NFA states visited) per slice: ~50 M/s here, so about 4 ms. */
export const REGEX_STEPS_PER_SLICE = 200_000;
/** Config lines per slice: a line costs 20–150 µs to parse and apply to the model here. */
export const CONFIG_LINES_PER_SLICE = 50;

export class WorkSlicer {
  private spent = 0;

  constructor(
    private readonly clock: Clock,
    private readonly budget: number,
  ) {}

  /** Counts `units` of work; true once a slice is full (the caller then awaits `pause`). */
  spend(units: number): boolean {
    this.spent += units;
    return this.spent >= this.budget;
  }

  /** Lets the clock run what is due, then starts a new slice. */
  pause(): Promise<void> {
    this.spent = 0;
    return new Promise((resolve) => this.clock.defer(resolve));
  }
}
