// A Nic decorator that plays the cable between a port and its link: the frames the port
// receives go through io/impair.ts's model (delay, loss, …, netem's meaning), and the cable
// can be pulled, which the router sees as carrier loss. The docker runtime's links are Docker
// networks the lab cannot reach into (and the kernel may lack sch_netem), so the agent does
// this on its own ports when the lab asks through the mgmt API (`link.set`); the process
// runtime's bridges and the simulation's memory links apply the same model where they live.
// Nothing set and the cable in, received frames go straight from the backend to the router's
// handler: the cable costs nothing per frame.
import { ImpairedPath, isNoImpairment, type Impairment, type ImpairmentScheduler } from "./impair";
import type { Deferrer, Nic, NicCounters } from "./nic";
import { NicDecorator } from "./nic-decorator";

export interface CableNicOptions {
  /** Time for the impairment's delays and for carrier reports: the router's Clock. */
  readonly clock: ImpairmentScheduler & Deferrer;
  /** Numbers in [0, 1) for loss, duplicate, jitter and reorder. Default Math.random. */
  readonly random?: () => number;
}

export class CableNic extends NicDecorator {
  private handler: ((frame: Uint8Array) => void) | undefined;
  private linkHandler: ((up: boolean) => void) | undefined;
  private path: ImpairedPath | undefined;
  private plugged = true;
  private reportedUp = false;
  private reportQueued = false;
  /** Sends refused because the cable is out (the inner Nic never saw them). */
  private readonly unplugged = { txDrops: 0 };
  /** The live counters the router reads: the backend's, plus what the cable refused. */
  private readonly view: Readonly<NicCounters>;
  private readonly deliver = (frame: Uint8Array): void => {
    // Frames still in flight when the cable was pulled are lost with it.
    if (this.plugged) this.handler?.(frame);
  };
  /** Receives while the cable is out or the path impairs (or still holds frames). */
  private readonly onInnerReceive = (frame: Uint8Array): void => {
    if (!this.plugged) return;
    if (this.path === undefined) this.handler?.(frame);
    else this.path.accept(frame);
  };
  private readonly report = (): void => {
    this.reportQueued = false;
    const up = this.isUp;
    if (up === this.reportedUp || !this.linkHandler) return;
    this.reportedUp = up;
    this.linkHandler(up);
  };

  constructor(
    inner: Nic,
    private readonly options: CableNicOptions,
  ) {
    super(inner);
    const counters = inner.counters;
    const unplugged = this.unplugged;
    this.view = {
      get rxFrames() {
        return counters.rxFrames;
      },
      get rxBytes() {
        return counters.rxBytes;
      },
      get txFrames() {
        return counters.txFrames;
      },
      get txBytes() {
        return counters.txBytes;
      },
      get rxDrops() {
        return counters.rxDrops;
      },
      get txDrops() {
        return counters.txDrops + unplugged.txDrops;
      },
    };
    inner.onLinkChange(() => this.linkMayHaveChanged());
  }

  /** The impairment of the frames this port receives; undefined (or nothing set) clears it. */
  get impairment(): Impairment | undefined {
    return this.path && !isNoImpairment(this.path.impairment) ? this.path.impairment : undefined;
  }

  /** Whether the cable is in. */
  get carrierUp(): boolean {
    return this.plugged;
  }

  /** Sets (or clears) the impairment; frames already waiting keep their time. Throws a
   * RangeError for an impairment that cannot be applied (impairmentProblem says why). */
  setImpairment(impairment: Impairment | undefined): void {
    if (this.path) this.path.set(impairment);
    else if (!isNoImpairment(impairment)) this.path = new ImpairedPath(impairment, { scheduler: this.options.clock, random: this.options.random ?? Math.random }, this.deliver);
    this.rewire();
  }

  /** Pulls the cable (false) or plugs it back (true): the port loses or regains carrier. */
  setCarrier(up: boolean): void {
    if (this.plugged === up) return;
    this.plugged = up;
    this.rewire();
    this.linkMayHaveChanged();
  }

  override get isUp(): boolean {
    return this.plugged && this.inner.isUp;
  }

  override get counters(): Readonly<NicCounters> {
    return this.view;
  }

  override send(frame: Uint8Array): boolean {
    if (this.plugged) return this.inner.send(frame);
    this.unplugged.txDrops++;
    return false;
  }

  override onReceive(handler: (frame: Uint8Array) => void): void {
    this.handler = handler;
    this.rewire();
  }

  override onLinkChange(handler: (up: boolean) => void): void {
    this.linkHandler = handler;
    this.reportedUp = this.isUp; // the caller reads isUp now; report only changes from here
  }

  override close(): void {
    this.path?.close();
    this.path = undefined;
    this.inner.close();
  }

  /** Hands the backend's frames to the router directly when the cable neither impairs nor is
   * out. Frames an impairment still holds keep their time, as io/impair.ts says. */
  private rewire(): void {
    const handler = this.handler;
    if (handler === undefined) return;
    const direct = this.plugged && (this.path === undefined || isNoImpairment(this.path.impairment));
    this.inner.onReceive(direct ? handler : this.onInnerReceive);
  }

  /** Carrier reports run from a later task, as the Nic contract says; flaps within one task
   * coalesce into none. */
  private linkMayHaveChanged(): void {
    if (this.reportQueued || !this.linkHandler) return;
    this.reportQueued = true;
    this.options.clock.defer(this.report);
  }
}
