// Bookkeeping every Nic backend shares: counters, the receive and carrier handlers, admin
// state, length checks, and carrier-change reports that always run from a later task.
import type { Mac } from "../wire/addr";
import { DEFAULT_MAX_FRAME_BYTES, ETHERNET_HEADER_BYTES } from "./frame";
import type { Deferrer, Nic, NicCounters } from "./nic";

/** For socket backends without a router Clock: link reports run as a microtask. */
export const microtaskDeferrer: Deferrer = { defer: (fn) => queueMicrotask(fn) };

export abstract class NicBase implements Nic {
  readonly counters: NicCounters = { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, rxDrops: 0, txDrops: 0 };
  readonly maxFrameBytes: number;
  protected receiver: ((frame: Uint8Array) => void) | undefined;
  protected adminUp = true;
  protected closed = false;
  private linkHandler: ((up: boolean) => void) | undefined;
  private reportedUp = false;
  private linkCheckQueued = false;
  private readonly checkLink = (): void => {
    this.linkCheckQueued = false;
    const up = this.isUp;
    if (up === this.reportedUp || !this.linkHandler) return;
    this.reportedUp = up;
    this.linkHandler(up);
  };

  constructor(
    readonly name: string,
    protected readonly scheduler: Deferrer,
    maxFrameBytes = DEFAULT_MAX_FRAME_BYTES,
  ) {
    if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < ETHERNET_HEADER_BYTES) {
      throw new RangeError(`${name}: maxFrameBytes must be an integer ≥ ${ETHERNET_HEADER_BYTES}, not ${maxFrameBytes}`);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  get bia(): Mac | undefined {
    return undefined;
  }

  /** Whether the medium is there: the far end is up, the socket is bound, the Linux link runs. */
  protected abstract carrier(): boolean;

  abstract send(frame: Uint8Array): boolean;

  get isUp(): boolean {
    return !this.closed && this.adminUp && this.carrier();
  }

  onReceive(handler: (frame: Uint8Array) => void): void {
    this.receiver = handler;
  }

  onLinkChange(handler: (up: boolean) => void): void {
    this.linkHandler = handler;
    this.reportedUp = this.isUp; // the caller reads isUp now; report only changes from here
  }

  setUp(up: boolean): void {
    if (this.closed || this.adminUp === up) return;
    this.adminUp = up;
    this.adminChanged();
    this.linkMayHaveChanged();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeBackend();
    this.linkMayHaveChanged();
  }

  /** Hook: admin state changed (a memory pair tells its far end). */
  protected adminChanged(): void {}

  /** Hook: release the backend's resources; runs once. */
  protected abstract closeBackend(): void;

  /** Schedules a carrier check; flaps within one task coalesce into no report. */
  protected linkMayHaveChanged(): void {
    if (this.linkCheckQueued || !this.linkHandler) return;
    this.linkCheckQueued = true;
    this.scheduler.defer(this.checkLink);
  }

  /** The send-side checks every backend makes; counts the tx drop when it refuses. */
  protected sendable(frame: Uint8Array): boolean {
    if (this.isUp && frame.length >= ETHERNET_HEADER_BYTES && frame.length <= this.maxFrameBytes) return true;
    this.counters.txDrops++;
    return false;
  }

  protected countSent(bytes: number): void {
    this.counters.txFrames++;
    this.counters.txBytes += bytes;
  }

  /** Hands a received frame, now owned by the receiver, to the handler; or counts it dropped. */
  protected deliver(frame: Uint8Array): void {
    const receiver = this.receiver;
    const len = frame.length;
    if (receiver === undefined || !this.adminUp || this.closed || len < ETHERNET_HEADER_BYTES || len > this.maxFrameBytes) {
      this.counters.rxDrops++;
      return;
    }
    this.counters.rxFrames++;
    this.counters.rxBytes += len;
    receiver(frame);
  }
}
