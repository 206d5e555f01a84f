// In-memory links for the simulation harness: a point-to-point pair (a cable) and a hub (a
// shared segment, or a learning bridge). A sent frame is copied into a queue and delivered
// from a deferred task, never inside `send`, so routers answering each other do not grow the
// stack; each queue drains in one task per batch, with no closure per frame.
import type { Clock } from "../clock/clock";
import type { Mac } from "../wire/addr";
import { NicBase } from "./base";
import { copyFrame } from "./frame";
import { ImpairedPath, isNoImpairment, type Impairment } from "./impair";
import { FLOOD, MacTable } from "./mac-table";
import type { Deferrer, Nic } from "./nic";

export interface MemoryLinkOptions {
  /** Runs deliveries after the current task: the router Clock, or anything with `defer`. */
  readonly clock: Clock | Deferrer;
  /** Frames a queue holds before `send` refuses (a NIC ring's size). Default 1024. */
  readonly queueFrames?: number;
  readonly maxFrameBytes?: number;
  /** What each end's received frames go through (io/impair.ts); needs a full Clock. */
  readonly impairment?: Impairment;
  /** Numbers in [0, 1) for the impairment: a seeded PRNG (seededRandom) so runs repeat. */
  readonly random?: () => number;
}

/** What a test or the harness can do to a memory link while it runs. */
export interface MemoryLinkControl {
  /** Sets (or with undefined clears) the impairment of every end's received frames. */
  setImpairment(impairment: Impairment | undefined): void;
  /** Pulls the cable (false) or plugs it back (true): every end loses or regains carrier. */
  setCarrier(up: boolean): void;
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

/** An end's impairment path, made when a link is impaired; a full Clock is its scheduler. */
function impairedPath(options: MemoryLinkOptions, impairment: Impairment, sink: (frame: Uint8Array, tag: number) => unknown): ImpairedPath {
  if (!isClock(options.clock)) throw new TypeError("impairment needs a Clock (with now and after), not just defer");
  return new ImpairedPath(impairment, { scheduler: options.clock, random: options.random, limitFrames: options.queueFrames }, sink);
}

function isClock(clock: Clock | Deferrer): clock is Clock {
  return typeof (clock as Partial<Clock>).after === "function" && typeof (clock as Partial<Clock>).now === "function";
}

/** One end of a memory pair; its receive queue is filled by the far end's `send`. */
class MemoryEnd extends NicBase {
  peer: MemoryEnd | undefined;
  /** The cable, shared with the far end: unplugged, neither end has carrier. */
  cable = { plugged: true };
  private readonly rx: FrameRing;
  private readonly ingress: (frame: Uint8Array) => void;
  private impairer: ImpairedPath | undefined;
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

  constructor(
    name: string,
    private readonly options: MemoryLinkOptions,
  ) {
    super(name, options.clock, options.maxFrameBytes);
    this.rx = new FrameRing(options.queueFrames ?? DEFAULT_QUEUE_FRAMES);
    this.ingress = (frame) => {
      if (!this.enqueue(frame)) this.counters.rxDrops++; // arrived after a long delay to a full queue
    };
    this.setImpairment(options.impairment);
  }

  /** The impairment of the frames this end receives. */
  setImpairment(impairment: Impairment | undefined): void {
    if (this.impairer) this.impairer.set(impairment);
    else if (!isNoImpairment(impairment)) this.impairer = impairedPath(this.options, impairment!, this.ingress);
  }

  send(frame: Uint8Array): boolean {
    if (!this.sendable(frame)) return false;
    const peer = this.peer as MemoryEnd; // carrier() implies a live peer
    const copy = copyFrame(frame);
    const impairer = peer.impairer;
    const accepted = impairer === undefined || impairer.passthrough ? peer.enqueue(copy) : impairer.accept(copy, 0);
    if (!accepted) {
      this.counters.txDrops++;
      return false;
    }
    this.countSent(frame.length);
    return true;
  }

  protected carrier(): boolean {
    const peer = this.peer;
    return peer !== undefined && !peer.closed && peer.adminUp && this.cable.plugged;
  }

  /** The cable was pulled or plugged: carrier may have changed. */
  cableChanged(): void {
    this.linkMayHaveChanged();
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
  return memoryCable(options, names).ends;
}

/** A memory pair with its control: impairment and carrier while it runs. */
export function memoryCable(options: MemoryLinkOptions, names: readonly [string, string] = ["a", "b"]): { ends: [Nic, Nic] } & MemoryLinkControl {
  const a = new MemoryEnd(names[0], options);
  const b = new MemoryEnd(names[1], options);
  a.peer = b;
  b.peer = a;
  b.cable = a.cable;
  return {
    ends: [a, b],
    setImpairment: (impairment) => {
      a.setImpairment(impairment);
      b.setImpairment(impairment);
    },
    setCarrier: (up) => {
      if (a.cable.plugged === up) return;
      a.cable.plugged = up;
      a.cableChanged();
      b.cableChanged();
    },
  };
}

/** What a hub port may ask of its hub. */
interface Backplane {
  /** Takes the hub's own copy of a frame sent on port `from`; false when the queue is full. */
  ingress(frame: Uint8Array, from: number): boolean;
  /** Drops MAC table entries that point at the port. */
  forget(index: number): void;
  /** Removes the port. */
  detach(index: number): void;
  /** Whether the segment's cable is in: pulled, no port has carrier. */
  plugged(): boolean;
}

/** A port on a MemoryHub. */
class HubPort extends NicBase {
  private impairer: ImpairedPath | undefined;
  private readonly received = (frame: Uint8Array): void => this.deliver(frame);

  constructor(
    name: string,
    private readonly hub: Backplane,
    readonly index: number,
    private readonly options: MemoryHubOptions,
  ) {
    super(name, options.clock, options.maxFrameBytes);
    this.setImpairment(options.impairment);
  }

  /** The impairment of the frames this port receives. */
  setImpairment(impairment: Impairment | undefined): void {
    if (this.impairer) this.impairer.set(impairment);
    else if (!isNoImpairment(impairment)) this.impairer = impairedPath(this.options, impairment!, this.received);
  }

  /** The hub's cable was pulled or plugged. */
  cableChanged(): void {
    this.linkMayHaveChanged();
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
    const impairer = this.impairer;
    if (impairer === undefined || impairer.passthrough) this.deliver(frame);
    else impairer.accept(frame);
  }

  get forwarding(): boolean {
    return !this.closed && this.adminUp;
  }

  protected carrier(): boolean {
    return this.hub.plugged(); // a switch port has link while the port itself is up
  }

  protected override adminChanged(): void {
    if (!this.adminUp) this.hub.forget(this.index);
  }

  protected closeBackend(): void {
    this.impairer?.close();
    this.impairer = undefined;
    this.hub.detach(this.index);
  }
}

/**
 * A multi-port segment. Every frame sent on one port reaches every other port that is up
 * (or, with `learning`, only the port its destination MAC was learnt on). Frames from all
 * ports share one queue, so delivery order is global send order; an impairment applies to
 * what each port receives, as on a pair.
 */
export class MemoryHub implements MemoryLinkControl {
  private readonly ports: (HubPort | undefined)[] = [];
  private readonly names = new Set<string>();
  private readonly queue: FrameRing;
  private readonly macTable: MacTable | undefined;
  private isPlugged = true;
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
    ingress: (frame, from) => this.enqueue(frame, from),
    plugged: () => this.isPlugged,
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
  }

  setImpairment(impairment: Impairment | undefined): void {
    for (const port of this.ports) port?.setImpairment(impairment);
  }

  setCarrier(up: boolean): void {
    if (this.isPlugged === up) return;
    this.isPlugged = up;
    for (const port of this.ports) port?.cableChanged();
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
