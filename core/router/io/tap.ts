// A Nic decorator that lets observers see every frame an interface receives and sends, for
// packet capture: the agent hands the router TapNics, so nothing in net/ knows captures exist.
// With no tap attached the cost is one size check per frame.
import type { Nic } from "./nic";
import { NicDecorator } from "./nic-decorator";

export type TapDirection = "rx" | "tx";

/**
 * Sees a frame as it crosses the interface. The bytes are only valid during the call (the
 * sender may reuse its buffer, the receiver may rewrite it): copy what you keep.
 */
export type Tap = (frame: Uint8Array, direction: TapDirection) => void;

export class TapNic extends NicDecorator {
  private readonly taps = new Set<Tap>();
  private handler: ((frame: Uint8Array) => void) | undefined;
  private readonly onInnerReceive = (frame: Uint8Array): void => {
    // Taps first: the handler owns the frame and may rewrite it in place.
    if (this.taps.size !== 0) this.notify(frame, "rx");
    this.handler?.(frame);
  };

  /** `onTapError` hears about a tap that threw (a bug in the observer; the frame goes on). */
  constructor(
    inner: Nic,
    private readonly onTapError: (err: unknown) => void = () => {},
  ) {
    super(inner);
  }

  /** Attaches a tap; the returned function detaches it. */
  addTap(tap: Tap): () => void {
    this.taps.add(tap);
    return () => this.taps.delete(tap);
  }

  get tapCount(): number {
    return this.taps.size;
  }

  /** Frames the backend refused were never on the wire, so taps see only those it took. */
  override send(frame: Uint8Array): boolean {
    const sent = this.inner.send(frame);
    if (sent && this.taps.size !== 0) this.notify(frame, "tx");
    return sent;
  }

  override onReceive(handler: (frame: Uint8Array) => void): void {
    this.handler = handler;
    this.inner.onReceive(this.onInnerReceive);
  }

  override close(): void {
    this.taps.clear();
    this.inner.close();
  }

  private notify(frame: Uint8Array, direction: TapDirection): void {
    for (const tap of this.taps) {
      try {
        tap(frame, direction);
      } catch (err) {
        this.onTapError(err); // an observer's bug must not cost the router its frame
      }
    }
  }
}
