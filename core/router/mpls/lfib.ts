// The LFIB: what the router does with a packet arriving with local label L at the top of its
// stack (RFC 3031 §3.10-3.13, the ILM and its NHLFEs). One entry per local label:
//   vrf-lookup  pop, then an IP lookup in the entry's VRF: per-prefix VPN labels and the
//               per-VRF aggregate label (disposition, RFC 4364 §5)
//   swap        replace L with `outLabel`, out of `out` to `nextHop` (transit); with
//               `transport`, those labels go on top of it (a remote PE's VPN label under the
//               label that reaches the PE)
//   pop         remove L (the downstream router advertised implicit null, RFC 3032 §2.1) and
//               send what is underneath out of `out` to `nextHop`; `untagged` when the
//               downstream advertised no label at all (IOS "No Label"; the same data path)
// A swap or pop may stand for a VRF's prefix (`vrf`): Carrier Supporting Carrier labels, which
// switch a customer carrier's labelled traffic without an IP lookup (`[V]` in show).
// Each entry counts the packets and bytes it switched (`show mpls forwarding-table`'s "Bytes
// Label Switched").
//
// The table is a dense array indexed by label, so the data path's lookup is one bounds check
// and one load, allocation-free. The VRF and interface types are parameters because mpls/ sits
// below net/: net/ instantiates `Lfib<Vrf, Interface>` and runs the data path over it.
import type { Ipv4, Prefix } from "../wire/addr";
import type { Label } from "../wire/mpls";

export type LfibAction<V, I> =
  | { readonly kind: "vrf-lookup"; readonly vrf: V; readonly aggregate: boolean }
  | { readonly kind: "swap"; readonly outLabel: Label; readonly out: I; readonly nextHop: Ipv4 | undefined; readonly transport?: readonly Label[]; readonly vrf?: V }
  | { readonly kind: "pop"; readonly out: I; readonly nextHop: Ipv4 | undefined; readonly untagged?: boolean; readonly vrf?: V };

export interface LfibEntry<V, I> {
  readonly label: Label;
  /** The FEC the label stands for (the VRF prefix, the transit prefix); undefined for an
   * aggregate label, which stands for a whole VRF. */
  readonly prefix: Prefix | undefined;
  readonly action: LfibAction<V, I>;
  /** Packets and bytes (of the labelled packet) switched by this entry since it was made. */
  packets: number;
  bytes: number;
}

const INITIAL_SLOTS = 1024;

export class Lfib<V, I> {
  private slots: (LfibEntry<V, I> | undefined)[] = new Array<LfibEntry<V, I> | undefined>(INITIAL_SLOTS).fill(undefined);
  private count = 0;
  private readonly listeners: ((label: Label) => void)[] = [];

  get size(): number {
    return this.count;
  }

  /** The entry for `label`: the data path's lookup. */
  lookup(label: number): LfibEntry<V, I> | undefined {
    return label < this.slots.length ? this.slots[label] : undefined;
  }

  /** Installs or replaces the entry for `label` (counters start from zero when the action changes). */
  set(label: Label, prefix: Prefix | undefined, action: LfibAction<V, I>): LfibEntry<V, I> {
    if (label >= this.slots.length) this.grow(label);
    const before = this.slots[label];
    const entry: LfibEntry<V, I> = { label, prefix, action, packets: 0, bytes: 0 };
    if (before !== undefined && sameAction(before.action, action)) {
      entry.packets = before.packets;
      entry.bytes = before.bytes;
    }
    if (before === undefined) this.count++;
    this.slots[label] = entry;
    this.changed(label);
    return entry;
  }

  delete(label: Label): boolean {
    if (this.lookup(label) === undefined) return false;
    this.slots[label] = undefined;
    this.count--;
    this.changed(label);
    return true;
  }

  /** Every entry, by ascending label. */
  entries(): LfibEntry<V, I>[] {
    const out: LfibEntry<V, I>[] = [];
    for (const e of this.slots) if (e !== undefined) out.push(e);
    return out;
  }

  /** Removes every entry whose action `matches` (its VRF or interface went away). */
  purge(matches: (action: LfibAction<V, I>) => boolean): void {
    for (const e of this.entries()) if (matches(e.action)) this.delete(e.label);
  }

  onChange(listener: (label: Label) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private grow(label: number): void {
    let size = this.slots.length;
    while (size <= label) size *= 2;
    const slots = new Array<LfibEntry<V, I> | undefined>(size).fill(undefined);
    for (let i = 0; i < this.slots.length; i++) slots[i] = this.slots[i];
    this.slots = slots;
  }

  private changed(label: Label): void {
    for (const listener of this.listeners) listener(label);
  }
}

function sameAction<V, I>(a: LfibAction<V, I>, b: LfibAction<V, I>): boolean {
  switch (a.kind) {
    case "vrf-lookup":
      return b.kind === "vrf-lookup" && a.vrf === b.vrf && a.aggregate === b.aggregate;
    case "swap":
      return b.kind === "swap" && a.outLabel === b.outLabel && a.out === b.out && a.nextHop === b.nextHop && a.vrf === b.vrf && sameLabels(a.transport, b.transport);
    case "pop":
      return b.kind === "pop" && a.out === b.out && a.nextHop === b.nextHop && a.untagged === b.untagged && a.vrf === b.vrf;
  }
}

function sameLabels(a: readonly Label[] | undefined, b: readonly Label[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((l, i) => l === b[i]);
}
