// A VRF (IOS `vrf definition NAME`): its own FIB and its own set of interfaces. The global
// table is the VRF with the empty name; everything that takes a VRF name treats undefined
// and "" as the global table. Route distinguishers and route targets belong to BGP.
import { Fib } from "./fib";

export const GLOBAL_VRF_NAME = "";

export class Vrf {
  readonly fib = new Fib();

  constructor(
    /** "" for the global table. */
    readonly name: string,
    /** IOS's VRF id: 0 for the global table, then 1, 2… in creation order. */
    readonly id: number,
  ) {}

  get isGlobal(): boolean {
    return this.name === GLOBAL_VRF_NAME;
  }

  /** How IOS names it in messages: "default" for the global table. */
  get displayName(): string {
    return this.isGlobal ? "default" : this.name;
  }
}

/** Normalises the optional VRF argument of every API: undefined means the global table. */
export function vrfKey(name: string | undefined): string {
  return name ?? GLOBAL_VRF_NAME;
}
