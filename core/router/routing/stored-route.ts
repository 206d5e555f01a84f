// A RIB candidate as stored (rib.ts keeps one per source and prefix, shared by consecutive
// prefixes whose routes are alike), and when two are the same route.
import type { Ipv4 } from "../wire/addr";
import { sameLabels, type Route, type RouteInput, type RouteNextHop } from "./route";

/** A candidate as stored: the source's fields that are set (not its prefix: one object serves
 * every prefix whose route is alike in the rest), then `updatedAt`. A class so
 * that V8 keeps every field inside the object (a plain object built by Object.assign holds
 * four and puts the rest in a separate property array); copied field by field, as
 * Object.assign is a slow generic copy. A full BGP table is hundreds of thousands of these,
 * so no field holds a number that is not a small integer: V8 would box it in a 16-byte heap
 * number per route. `from` is kept as a signed 32-bit integer, and the time as the shared
 * `Stamp` of every route the RIB took at that clock reading. */
export class StoredRoute implements Route {
  declare readonly protocol: Route["protocol"];
  declare readonly instance?: string;
  declare readonly distance: number;
  declare readonly metric: number;
  declare readonly nextHops: readonly RouteNextHop[];
  declare readonly tag?: number;
  declare readonly name?: string;
  declare readonly knownVia?: string;
  /** `from` as a signed 32-bit integer. */
  declare readonly fromBits?: number;
  /** When it was stored (or last changed: an unchanged re-announcement keeps it). */
  declare readonly stamp: Stamp;

  constructor(input: RouteInput, stamp: Stamp) {
    const self = this as Mutable<StoredRoute>;
    self.protocol = input.protocol;
    if (input.instance !== undefined) self.instance = input.instance;
    self.distance = input.distance;
    self.metric = input.metric;
    self.nextHops = input.nextHops;
    if (input.tag !== undefined) self.tag = input.tag;
    if (input.name !== undefined) self.name = input.name;
    if (input.knownVia !== undefined) self.knownVia = input.knownVia;
    if (input.from !== undefined) self.fromBits = input.from | 0;
    self.stamp = stamp;
  }

  get from(): Ipv4 | undefined {
    return this.fromBits === undefined ? undefined : ((this.fromBits >>> 0) as Ipv4);
  }

  get updatedAt(): number {
    return this.stamp.ms;
  }

  /** Every field of `input` but its prefix is this route's (its next hops the same list). */
  alike(input: RouteInput): boolean {
    return (
      this.nextHops === input.nextHops &&
      this.protocol === input.protocol &&
      this.distance === input.distance &&
      this.metric === input.metric &&
      this.instance === input.instance &&
      this.tag === input.tag &&
      this.name === input.name &&
      this.knownVia === input.knownVia &&
      this.fromBits === (input.from === undefined ? undefined : input.from | 0)
    );
  }
}

/** `input` stored: the shape of nearly every route BGP installs (known via, from, nothing
 * else optional) as an object literal, so a table's worth are made straight in the old
 * generation (see newPrefixState); any other through the class. */
export function storedRoute(input: RouteInput, stamp: Stamp): StoredRoute {
  if (input.instance !== undefined || input.tag !== undefined || input.name !== undefined || input.knownVia === undefined || input.from === undefined) return new StoredRoute(input, stamp);
  return { __proto__: StoredRoute.prototype, protocol: input.protocol, distance: input.distance, metric: input.metric, nextHops: input.nextHops, knownVia: input.knownVia, fromBits: input.from | 0, stamp } as unknown as StoredRoute;
}

/** A clock reading shared by the routes stored at it. */
export interface Stamp {
  readonly ms: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Same route content, ignoring the timestamp (an unchanged re-announcement keeps its age). */
export function sameRoute(a: Route, b: RouteInput): boolean {
  if (a.distance !== b.distance || a.metric !== b.metric || a.nextHops.length !== b.nextHops.length || a.from !== b.from) return false;
  for (let i = 0; i < a.nextHops.length; i++) {
    const x = a.nextHops[i];
    const y = b.nextHops[i];
    if (x.address !== y.address || x.interface !== y.interface || x.resolveInVrf !== y.resolveInVrf || x.permanent !== y.permanent || !sameLabels(x.labels, y.labels)) return false;
  }
  return true;
}
