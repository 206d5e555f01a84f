// The base of Nics that wrap another (capture taps, the agent's exception guard): every
// member passes through to the inner Nic; a decorator overrides only what it changes.
import type { Mac } from "../wire/addr";
import type { Nic, NicCounters } from "./nic";

export class NicDecorator implements Nic {
  constructor(readonly inner: Nic) {}

  get name(): string {
    return this.inner.name;
  }

  get bia(): Mac | undefined {
    return this.inner.bia;
  }

  get maxFrameBytes(): number {
    return this.inner.maxFrameBytes;
  }

  get isUp(): boolean {
    return this.inner.isUp;
  }

  get counters(): Readonly<NicCounters> {
    return this.inner.counters;
  }

  send(frame: Uint8Array): boolean {
    return this.inner.send(frame);
  }

  onReceive(handler: (frame: Uint8Array) => void): void {
    this.inner.onReceive(handler);
  }

  onLinkChange(handler: (up: boolean) => void): void {
    this.inner.onLinkChange(handler);
  }

  setUp(up: boolean): void {
    this.inner.setUp(up);
  }

  close(): void {
    this.inner.close();
  }
}
