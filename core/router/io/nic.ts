// The one frame I/O interface every backend implements (memory links, UDP to a lab bridge,
// Linux packet sockets), in the spirit of smoltcp's phy::Device: the router's interfaces see
// whole Ethernet II frames and nothing about where they travel.
import type { Mac } from "../wire/addr";

/** Counters a backend keeps; the view handed out is live and read-only. */
export interface NicCounters {
  rxFrames: number;
  rxBytes: number;
  txFrames: number;
  txBytes: number;
  /** Frames that arrived but were not handed over: admin down, no handler, runt, oversized, truncated, kernel overrun. */
  rxDrops: number;
  /** Frames `send` refused: admin or carrier down, queue full, socket error, bad length. */
  txDrops: number;
}

export interface Nic {
  /** The backend's name for the port (the Linux interface, "R1:Ethernet0/0", …). */
  readonly name: string;
  /** The hardware's own MAC (IOS "bia") when the backend has one (packet sockets); memory and UDP links have none. */
  readonly bia: Mac | undefined;
  /** Largest frame, Ethernet header included and FCS excluded, that `send` accepts and receive hands over. */
  readonly maxFrameBytes: number;
  /**
   * Queues one whole Ethernet frame. Returns false, and counts a tx drop, when it cannot:
   * admin or carrier down, queue full, closed, shorter than an Ethernet header or longer than
   * `maxFrameBytes`. The Nic copies what it keeps, so the caller may reuse `frame` at once.
   */
  send(frame: Uint8Array): boolean;
  /**
   * Sets the one receive handler (a second call replaces the first). Each frame handed over
   * belongs to the handler: it may keep or rewrite it. Frames are plain Uint8Arrays, never
   * Node Buffers (whose slice() shares memory). The handler never runs inside `send`.
   */
  onReceive(handler: (frame: Uint8Array) => void): void;
  /** Carrier: admin up and the far end (or the socket, or the Linux interface) running. */
  readonly isUp: boolean;
  /** Sets the one carrier-change handler; it runs from a later task, never inside `setUp`. */
  onLinkChange(handler: (up: boolean) => void): void;
  /** Admin state (IOS `shutdown` / `no shutdown`). Down: sends fail and arriving frames are dropped. */
  setUp(up: boolean): void;
  readonly counters: Readonly<NicCounters>;
  /** Releases the port or socket; afterwards sends fail and nothing is received. Harmless twice. */
  close(): void;
}

/** A scheduler that runs `fn` after the current task: a router Clock, or anything with `defer`. */
export interface Deferrer {
  defer(fn: () => void): void;
}
