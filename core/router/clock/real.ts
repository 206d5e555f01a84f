// The wall clock, for routers running in an agent process.
import type { Clock, Timer } from "./clock";

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  after(delayMs: number, fn: () => void): Timer {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  }

  every(periodMs: number, fn: () => void): Timer {
    const handle = setInterval(fn, Math.max(1, periodMs));
    handle.unref?.();
    return { cancel: () => clearInterval(handle) };
  }

  defer(fn: () => void): void {
    setImmediate(fn);
  }
}
