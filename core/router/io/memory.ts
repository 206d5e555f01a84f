// In-memory links for the simulation harness: a point-to-point pair (a cable) and a hub (a
// shared segment, or a learning bridge). A sent frame is copied into a queue and delivered
// from a deferred task, never inside `send`, so routers answering each other do not grow the
// stack; each queue drains in one task per batch, with no closure per frame.
import type { Clock } from "../clock/clock";
import type { Mac } from "../wire/addr";
import { NicBase } from "./base";
import { copyFrame } from "./frame";
import { FLOOD, MacTable } from "./mac-table";
import type { Deferrer, Nic } from "./nic";

/** Per-link impairment: deterministic loss and a fixed one-way delay. */
export interface LinkImpairment {
  /** Probability in [0, 1] that a frame is lost on the way; needs `random`. */
  readonly dropProbability?: number;
  /** Source of numbers in [0, 1): the harness passes a seeded PRNG so runs repeat. */
  readonly random?: () => number;
  /** Fixed one-way delay in milliseconds; needs a full Clock as the scheduler. */
  readonly latencyMs?: number;
}

export interface MemoryLinkOptions {
  /** Runs deliveries after the current task: the router Clock, or anything with `defer`. */
  readonly clock: Clock | Deferrer;
  /** Frames a queue holds before `send` refuses (a NIC ring's size). Default 1024. */
  readonly queueFrames?: number;
  readonly maxFrameBytes?: number;
  readonly impairment?: LinkImpairment;
}

export interface MemoryHubOptions extends MemoryLinkOptions {
  /**
   * Learn source MACs and send known unicast only to its port, like a switch; otherwise
   * every frame reaches every other port, like a hub. Entries never age; they move when a
   * MAC shows up on another port and go when their port closes or shuts.
   */
  readonly learning?: boolean;
}

const DEFAULT_QUEUE_FRAMES = 1024;

/** A bounded FIFO of frames, each with a small integer tag, on a power-of-two ring. */
class FrameRing {
  private frames: (Uint8Array | undefined)[];
  private tags: Int32Array;
  private head = 0;
  size = 0;
  private readonly mask: number;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`queueFrames must be a positive integer, not ${limit}`);
    let slots = 1;
    while (slots < limit) slots *= 2;
    this.frames = new Array<Uint8Array | undefined>(slots).fill(undefined);
    this.tags = new Int32Array(slots);
    this.mask = slots - 1;
  }

  push(frame: Uint8Array, tag: number): boolean {
    if (this.size >= this.limit) return false;
    const i = (this.head + this.size) & this.mask;
    this.frames[i] = frame;
    this.tags[i] = tag;
    this.size++;
    return true;
  }

  /** Tag of the oldest frame; call before `shift`. */
  headTag(): number {
    return this.tags[this.head];
  }

  /** Removes and returns the oldest frame; the ring must not be empty. */
  shift(): Uint8Array {
    const i = this.head;
    const frame = this.frames[i] as Uint8Array;
    this.frames[i] = undefined;
    this.head = (i + 1) & this.mask;
    this.size--;
    return frame;
  }

  clear(): void {
    while (this.size) this.shift();
  }
}

/**
 * Loss and delay in front of a queue. Delayed frames wait in FIFO order (the delay is fixed)
 * behind one timer, re-armed for the next frame due.
 */
class Impairer {
  private readonly dropProbability: number;
  private readonly random: (() => number) | undefined;
  private readonly latencyMs: number;
  private readonly clock: Clock | undefined;
  private readonly delayed: FrameRing;
  private readonly due: number[] = [];
  private dueHead = 0;
  private timerArmed = false;
  private closed = false;
  private readonly release = (): void => {
    this.timerArmed = false;
    if (this.closed) return;
    const now = (this.clock as Clock).now();
    while (this.delayed.size && this.due[this.dueHead] <= now) {
      this.dueHead++;
      const tag = this.delayed.headTag();
      if (!this.sink(this.delayed.shift(), tag)) this.overflow(tag); // sent long ago: the far queue drops it
    }
    if (this.dueHead === this.due.length) {
      this.due.length = 0;
      this.dueHead = 0;
    }
    this.arm();
  };

  constructor(
    impairment: LinkImpairment,
    clock: Clock | Deferrer,
    queueFrames: number,
    private readonly sink: (frame: Uint8Array, tag: number) => boolean,
    private readonly overflow: (tag: number) => void,
  ) {
    this.dropProbability = impairment.dropProbability ?? 0;
    this.random = impairment.random;
    this.latencyMs = impairment.latencyMs ?? 0;
    if (!(this.dropProbability >= 0 && this.dropProbability <= 1)) throw new RangeError(`dropProbability must be in [0, 1], not ${this.dropProbability}`);
    if (this.dropProbability > 0 && !this.random) throw new TypeError("impairment: dropProbability needs a random function (a seeded one keeps runs repeatable)");
    if (!(this.latencyMs >= 0)) throw new RangeError(`latencyMs must be ≥ 0, not ${this.latencyMs}`);
    if (this.latencyMs > 0 && !isClock(clock)) throw new TypeError("impairment: latencyMs needs a Clock (with now and after), not just defer");
    this.clock = isClock(clock) ? clock : undefined;
    this.delayed = new FrameRing(queueFrames);
  }

  /** Takes a frame bound for the queue: loses it, delays it, or passes it on. False if no room. */
  accept(frame: Uint8Array, tag: number): boolean {
    if (this.dropProbability > 0 && (this.random as () => number)() < this.dropProbability) return true; // lost on the wire
    if (this.latencyMs <= 0) return this.sink(frame, tag);
    if (!this.delayed.push(frame, tag)) return false;
    this.due.push((this.clock as Clock).now() + this.latencyMs);
    this.arm();
    return true;
  }

  close(): void {
    this.closed = true;
    this.delayed.clear();
  }

  private arm(): void {
    if (this.timerArmed || !this.delayed.size) return;
    this.timerArmed = true;
    const clock = this.clock as Clock;
    clock.after(this.due[this.dueHead] - clock.now(), this.release);
  }
}

function isClock(clock: Clock | Deferrer): clock is Clock {
  return typeof (clock as Partial<Clock>).after === "function" && typeof (clock as Partial<Clock>).now === "function";
}

/** One end of a memory pair; its receive queue is filled by the far end's `send`. */
class MemoryEnd extends NicBase {
  peer: MemoryEnd | undefined;
  private readonly rx: FrameRing;
  private readonly ingress: (frame: Uint8Array, tag: number) => boolean;
  private impairer: Impairer | undefined;
  private drainQueued = false;
  private readonly drain = (): void => {
    this.drainQueued = false;
    // Only what is queued now: frames that handlers send back to us wait for the next task.
    let n = this.rx.size;
    try {
      while (n-- > 0) this.deliver(this.rx.shift());
    } finally {
      if (this.rx.size) this.scheduleDrain();
    }
  };

  constructor(name: string, options: MemoryLinkOptions) {
    super(name, options.clock, options.maxFrameBytes);
    const queueFrames = options.queueFrames ?? DEFAULT_QUEUE_FRAMES;
    this.rx = new FrameRing(queueFrames);
    this.ingress = (frame) => this.enqueue(frame);
    if (options.impairment) {
      this.impairer = new Impairer(options.impairment, options.clock, queueFrames, this.ingress, () => this.counters.rxDrops++);
    }
  }

  send(frame: Uint8Array): boolean {
    if (!this.sendable(frame)) return false;
    const peer = this.peer as MemoryEnd; // carrier() implies a live peer
    const copy = copyFrame(frame);
    const accepted = peer.impairer ? peer.impairer.accept(copy, 0) : peer.enqueue(copy);
    if (!accepted) {
      this.counters.txDrops++;
      return false;
    }
    this.countSent(frame.length);
    return true;
  }

  protected carrier(): boolean {
    const peer = this.peer;
    return peer !== undefined && !peer.closed && peer.adminUp;
  }

  protected override adminChanged(): void {
    this.peer?.linkMayHaveChanged();
  }

  protected closeBackend(): void {
    this.rx.clear();
    this.impairer?.close();
    this.impairer = undefined;
    this.peer?.linkMayHaveChanged();
  }

  private enqueue(frame: Uint8Array): boolean {
    if (this.closed || !this.rx.push(frame, 0)) return false;
    this.scheduleDrain();
    return true;
  }

  private scheduleDrain(): void {
    if (this.drainQueued) return;
    this.drainQueued = true;
    this.scheduler.defer(this.drain);
  }
}

/**
 * A point-to-point memory link (a cable): what one end sends, the other receives. Shutting
 * one end takes carrier down on both, as on real Ethernet.
 */
export function memoryPair(options: MemoryLinkOptions, names: readonly [string, string] = ["a", "b"]): [Nic, Nic] {
  const a = new MemoryEnd(names[0], options);
  const b = new MemoryEnd(names[1], options);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** What a hub port may ask of its hub. */
interface Backplane {
  /** Takes the hub's own copy of a frame sent on port `from`; false when the queue is full. */
  ingress(frame: Uint8Array, from: number): boolean;
  /** Drops MAC table entries that point at the port. */
  forget(index: number): void;
  /** Removes the port. */
  detach(index: number): void;
}

/** A port on a MemoryHub. */
class HubPort extends NicBase {
  constructor(
    name: string,
    private readonly hub: Backplane,
    readonly index: number,
    options: MemoryHubOptions,
  ) {
    super(name, options.clock, options.maxFrameBytes);
  }

  send(frame: Uint8Array): boolean {
    if (!this.sendable(frame)) return false;
    if (!this.hub.ingress(copyFrame(frame), this.index)) {
      this.counters.txDrops++;
      return false;
    }
    this.countSent(frame.length);
    return true;
  }

  /** Receives from the hub's drain. */
  take(frame: Uint8Array): void {
    this.deliver(frame);
  }

  get forwarding(): boolean {
    return !this.closed && this.adminUp;
  }

  protected carrier(): boolean {
    return true; // a switch port has link while the port itself is up
  }

  protected override adminChanged(): void {
    if (!this.adminUp) this.hub.forget(this.index);
  }

  protected closeBackend(): void {
    this.hub.detach(this.index);
  }
}

/**
 * A multi-port segment. Every frame sent on one port reaches every other port that is up
 * (or, with `learning`, only the port its destination MAC was learnt on). Frames from all
 * ports share one queue, so delivery order is global send order.
 */
export class MemoryHub {
  private readonly ports: (HubPort | undefined)[] = [];
  private readonly names = new Set<string>();
  private readonly queue: FrameRing;
  private readonly impairer: Impairer | undefined;
  private readonly macTable: MacTable | undefined;
  private drainQueued = false;
  private readonly enqueue = (frame: Uint8Array, from: number): boolean => {
    if (!this.queue.push(frame, from)) return false;
    if (!this.drainQueued) {
      this.drainQueued = true;
      this.options.clock.defer(this.drain);
    }
    return true;
  };
  private readonly drain = (): void => {
    this.drainQueued = false;
    let n = this.queue.size;
    try {
      while (n-- > 0) {
        const from = this.queue.headTag();
        this.forward(this.queue.shift(), from);
      }
    } finally {
      if (this.queue.size && !this.drainQueued) {
        this.drainQueued = true;
        this.options.clock.defer(this.drain);
      }
    }
  };

  private readonly backplane: Backplane = {
    ingress: (frame, from) => (this.impairer ? this.impairer.accept(frame, from) : this.enqueue(frame, from)),
    forget: (index) => this.macTable?.flushPort(index),
    detach: (index) => {
      const port = this.ports[index];
      if (port) this.names.delete(port.name);
      this.ports[index] = undefined;
      this.backplane.forget(index);
    },
  };

  constructor(private readonly options: MemoryHubOptions) {
    this.queue = new FrameRing(options.queueFrames ?? DEFAULT_QUEUE_FRAMES);
    this.macTable = options.learning ? new MacTable() : undefined;
    if (options.impairment) {
      const overflow = (from: number): void => {
        const port = this.ports[from];
        if (port) port.counters.txDrops++;
      };
      this.impairer = new Impairer(options.impairment, options.clock, this.queue.limit, this.enqueue, overflow);
    }
  }

  /** Adds a port; names are unique per hub. */
  port(name: string): Nic {
    if (this.names.has(name)) throw new Error(`MemoryHub: port ${name} already exists`);
    this.names.add(name);
    const port = new HubPort(name, this.backplane, this.ports.length, this.options);
    this.ports.push(port);
    return port;
  }

  /** The MAC table as (MAC, port name) rows, for tests and `show` output. */
  macAddresses(): { mac: Mac; port: string }[] {
    const rows: { mac: Mac; port: string }[] = [];
    for (const [mac, index] of this.macTable?.entries() ?? []) {
      const port = this.ports[index];
      if (port) rows.push({ mac, port: port.name });
    }
    return rows;
  }

  private forward(frame: Uint8Array, from: number): void {
    const source = this.ports[from];
    if (source === undefined) return; // its port closed while the frame waited
    const table = this.macTable;
    if (table) {
      if (source.forwarding) table.learn(frame, 0, from);
      const to = table.destination(frame, 0);
      if (to !== FLOOD) {
        const port = this.ports[to];
        if (to !== from && port !== undefined) port.take(frame);
        return; // known unicast: to its port only, filtered if that is where it came from
      }
    }
    // Flood: every other port gets its own copy; the last one gets the queued copy.
    let last: HubPort | undefined;
    for (const port of this.ports) {
      if (port === undefined || port.index === from || !port.forwarding) continue;
      if (last) last.take(copyFrame(frame));
      last = port;
    }
    last?.take(frame);
  }
}
