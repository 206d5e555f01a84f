// Link impairment with Linux netem's meaning, applied to the frames one endpoint of a link
// receives: the simulation's memory links, the process runtime's bridges and the agent's
// ports all run this one model, so `impair: { delay: 30ms, loss: 1% }` means the same in
// every runtime. In order, per frame:
//   loss       — dropped with this probability;
//   duplicate  — a second copy follows it with this probability (the copy is impaired too);
//   rate       — the link serializes frames one after another at this many bits per second,
//                a queue forming behind a busy link (at most `limitFrames`, then tail drop);
//   delay      — then each frame travels this long, ± a uniform `jitter`; frames leave in the
//                order they are due, so jitter reorders, as netem's does;
//   reorder    — with this probability a frame skips the delay and overtakes those ahead of
//                it (netem's `reorder`: it needs a delay to show).
// Randomness comes from a function the caller passes: a seeded one (seededRandom) makes a run
// repeat exactly, as the simulation needs. Nothing set costs a branch per frame.

export interface Impairment {
  readonly delayMs?: number;
  readonly jitterMs?: number;
  /** Percentages, 0–100. */
  readonly lossPercent?: number;
  readonly duplicatePercent?: number;
  readonly reorderPercent?: number;
  /** Serialization rate; absent: as fast as frames come. */
  readonly rateBitsPerSecond?: number;
}

/** What the path needs of time: the router's Clock fits, and so does a wrapper of real timers. */
export interface ImpairmentScheduler {
  now(): number;
  after(delayMs: number, fn: () => void): { cancel(): void };
}

export interface ImpairedPathCounters {
  /** Frames dropped by `loss`. */
  lost: number;
  /** Extra copies made by `duplicate`. */
  duplicated: number;
  /** Frames sent ahead by `reorder`. */
  reordered: number;
  /** Frames dropped because `limitFrames` were already waiting. */
  overLimit: number;
}

/** netem's default queue limit. */
export const DEFAULT_IMPAIR_LIMIT_FRAMES = 1000;

/** The fields as lab.yaml writes them, in their order. */
export const IMPAIRMENT_FIELDS = ["delayMs", "jitterMs", "lossPercent", "duplicatePercent", "reorderPercent", "rateBitsPerSecond"] as const;

/** Whether an impairment changes nothing. */
export function isNoImpairment(i: Impairment | undefined): boolean {
  return i === undefined || IMPAIRMENT_FIELDS.every((f) => !i[f]);
}

/** Why an impairment cannot be applied, or undefined. */
export function impairmentProblem(i: Impairment): string | undefined {
  for (const f of ["delayMs", "jitterMs"] as const) {
    const v = i[f];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= 60_000)) return `${f} must be 0 to 60000 ms, not ${v}`;
  }
  for (const f of ["lossPercent", "duplicatePercent", "reorderPercent"] as const) {
    const v = i[f];
    if (v !== undefined && !(v >= 0 && v <= 100)) return `${f} must be 0 to 100, not ${v}`;
  }
  const rate = i.rateBitsPerSecond;
  if (rate !== undefined && !(Number.isFinite(rate) && rate >= 8_000)) return `rateBitsPerSecond must be at least 8000 (8kbit), not ${rate}`;
  return undefined;
}

/** IOS-agnostic words for an impairment, as `flexlab status` shows it: "delay 30ms jitter 5ms loss 1%". */
export function formatImpairment(i: Impairment | undefined): string {
  if (isNoImpairment(i)) return "none";
  const parts: string[] = [];
  const imp = i as Impairment;
  if (imp.delayMs) parts.push(`delay ${imp.delayMs}ms`);
  if (imp.jitterMs) parts.push(`jitter ${imp.jitterMs}ms`);
  if (imp.lossPercent) parts.push(`loss ${imp.lossPercent}%`);
  if (imp.duplicatePercent) parts.push(`duplicate ${imp.duplicatePercent}%`);
  if (imp.reorderPercent) parts.push(`reorder ${imp.reorderPercent}%`);
  if (imp.rateBitsPerSecond) parts.push(`rate ${formatRate(imp.rateBitsPerSecond)}`);
  return parts.join(" ");
}

function formatRate(bps: number): string {
  if (bps % 1_000_000_000 === 0) return `${bps / 1_000_000_000}gbit`;
  if (bps % 1_000_000 === 0) return `${bps / 1_000_000}mbit`;
  if (bps % 1000 === 0) return `${bps / 1000}kbit`;
  return `${bps}bit`;
}

/** mulberry32: a small, fast PRNG; the same seed gives the same numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ImpairedPathOptions {
  readonly scheduler: ImpairmentScheduler;
  /** Numbers in [0, 1); needed when loss, duplicate, jitter or reorder is set. */
  readonly random?: () => number;
  readonly limitFrames?: number;
}

/**
 * One direction of impairment in front of a sink. `accept` takes a frame (the path owns it
 * from then on) and hands it to the sink now or later, or drops it; the tag rides along (a
 * hub's port number). Frames wait in a binary heap ordered by when they are due.
 */
export class ImpairedPath {
  readonly counters: ImpairedPathCounters = { lost: 0, duplicated: 0, reordered: 0, overLimit: 0 };
  private spec: Impairment = {};
  private none = true;
  private readonly limit: number;
  // The heap, as parallel arrays: due time, arrival order (to keep FIFO among equals), frame, tag.
  private due: number[] = [];
  private seq: number[] = [];
  private frames: Uint8Array[] = [];
  private tags: number[] = [];
  private nextSeq = 0;
  /** When the serializing link is free again (rate). */
  private busyUntil = 0;
  private timer: { cancel(): void } | undefined;
  private timerDue = Infinity;
  private closed = false;
  private readonly release = (): void => {
    this.timer = undefined;
    this.timerDue = Infinity;
    if (this.closed) return;
    const now = this.options.scheduler.now();
    while (this.due.length && this.due[0] <= now) {
      const tag = this.tags[0];
      this.sink(this.pop(), tag);
    }
    this.arm();
  };

  constructor(
    spec: Impairment | undefined,
    private readonly options: ImpairedPathOptions,
    private readonly sink: (frame: Uint8Array, tag: number) => unknown,
  ) {
    this.limit = options.limitFrames ?? DEFAULT_IMPAIR_LIMIT_FRAMES;
    this.set(spec);
  }

  get impairment(): Impairment {
    return this.spec;
  }

  /** Nothing set and nothing waiting: a caller may hand frames straight to the sink. */
  get passthrough(): boolean {
    return this.none && this.due.length === 0;
  }

  /** Frames waiting to be released. */
  get queued(): number {
    return this.due.length;
  }

  /** Changes the impairment; frames already waiting keep their time. */
  set(spec: Impairment | undefined): void {
    const next = spec ?? {};
    const problem = impairmentProblem(next);
    if (problem) throw new RangeError(`impairment: ${problem}`);
    const random = Boolean(next.lossPercent || next.duplicatePercent || next.jitterMs || next.reorderPercent);
    if (random && !this.options.random) throw new TypeError("impairment: loss, duplicate, jitter and reorder need a random function (a seeded one keeps runs repeatable)");
    this.spec = { ...next };
    this.none = isNoImpairment(next);
  }

  /** Takes a frame: passes it on, holds it, or drops it. False only when it was dropped for room. */
  accept(frame: Uint8Array, tag = 0): boolean {
    if (this.none && this.due.length === 0) {
      this.sink(frame, tag);
      return true;
    }
    const spec = this.spec;
    const random = this.options.random as () => number;
    if (spec.lossPercent && random() * 100 < spec.lossPercent) {
      this.counters.lost++;
      return true; // lost on the wire: the sender could not know
    }
    const ok = this.schedule(frame, tag);
    if (ok && spec.duplicatePercent && random() * 100 < spec.duplicatePercent) {
      this.counters.duplicated++;
      this.schedule(frame.slice(), tag);
    }
    return ok;
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.due = [];
    this.seq = [];
    this.frames = [];
    this.tags = [];
  }

  private schedule(frame: Uint8Array, tag: number): boolean {
    if (this.due.length >= this.limit) {
      this.counters.overLimit++;
      return false;
    }
    const spec = this.spec;
    const now = this.options.scheduler.now();
    let departs = now;
    if (spec.rateBitsPerSecond) {
      departs = Math.max(now, this.busyUntil) + (frame.length * 8 * 1000) / spec.rateBitsPerSecond;
      this.busyUntil = departs;
    }
    let delay = spec.delayMs ?? 0;
    const random = this.options.random;
    // Whole milliseconds, the clocks' unit: a jittered time stays a time a router can print.
    if (spec.jitterMs) delay = Math.max(0, Math.round(delay + spec.jitterMs * (2 * (random as () => number)() - 1)));
    if (spec.reorderPercent && delay > 0 && (random as () => number)() * 100 < spec.reorderPercent) {
      this.counters.reordered++;
      delay = 0;
    }
    // The link's own accounting keeps fractions (a 10 Mbit/s link frees up every 0.08 ms); a
    // frame is released on the whole millisecond it has fully arrived by.
    const due = Math.ceil(departs + delay);
    if (due <= now && this.due.length === 0) {
      this.sink(frame, tag);
      return true;
    }
    this.push(due, frame, tag);
    this.arm();
    return true;
  }

  private arm(): void {
    if (this.closed || this.due.length === 0) return;
    const next = this.due[0];
    if (this.timer && this.timerDue <= next) return;
    this.timer?.cancel();
    this.timerDue = next;
    this.timer = this.options.scheduler.after(Math.max(0, next - this.options.scheduler.now()), this.release);
  }

  // --- the heap -------------------------------------------------------------------------

  private before(i: number, j: number): boolean {
    return this.due[i] < this.due[j] || (this.due[i] === this.due[j] && this.seq[i] < this.seq[j]);
  }

  private swap(i: number, j: number): void {
    const due = this.due[i];
    this.due[i] = this.due[j];
    this.due[j] = due;
    const seq = this.seq[i];
    this.seq[i] = this.seq[j];
    this.seq[j] = seq;
    const frame = this.frames[i];
    this.frames[i] = this.frames[j];
    this.frames[j] = frame;
    const tag = this.tags[i];
    this.tags[i] = this.tags[j];
    this.tags[j] = tag;
  }

  private push(due: number, frame: Uint8Array, tag: number): void {
    let i = this.due.length;
    this.due.push(due);
    this.seq.push(this.nextSeq++);
    this.frames.push(frame);
    this.tags.push(tag);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): Uint8Array {
    const top = this.frames[0];
    const last = this.due.length - 1;
    this.swap(0, last);
    this.due.pop();
    this.seq.pop();
    this.frames.pop();
    this.tags.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < last && this.before(l, m)) m = l;
      if (r < last && this.before(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}
