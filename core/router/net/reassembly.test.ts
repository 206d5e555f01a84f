import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { parseIpv4 as parseAddress, type Ipv4 } from "../wire/addr";
import { isWireError } from "../wire/errors";
import { parseIpv4, type Ipv4Repr } from "../wire/ipv4";
import { fragmentIpv4 } from "./fragment";
import { ipv4Fragment } from "./testdata/ipv4-fragments";
import { DEFAULT_REASSEMBLY_LIMITS, Reassembly, type ReassemblyLimits, type ReassemblyResult } from "./reassembly";

function ip(text: string): Ipv4 {
  return parseAddress(text) as Ipv4;
}

/** A fragment of datagram `identification`: payload bytes `[offset, offset + length)` of `whole`. */
function fragment(offset: number, length: number, more: boolean, whole = pattern(offset + length), identification = 7, extra: Partial<Ipv4Repr> = {}): Uint8Array {
  return ipv4Fragment(identification, offset, whole.subarray(offset, offset + length), more, { payloadLength: length, ...extra });
}

/** Payload bytes that say where they are, so a misplaced piece shows. */
function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + (i >> 8)) & 0xff;
  return out;
}

let clock: VirtualClock;
let timeouts: { first: Uint8Array | undefined; fragments: number }[];
let r: Reassembly<string>;

function make(limits?: Partial<ReassemblyLimits>): Reassembly<string> {
  const defaults = { timeoutMs: 15_000, maxDatagrams: 64, maxFragmentsPerDatagram: 64, maxBytes: 4 * 1024 * 1024 };
  return new Reassembly<string>(clock, (first, _ctx, fragments) => timeouts.push({ first, fragments }), { ...defaults, ...limits });
}

function add(packet: Uint8Array, reassembly = r, vrf = 0): ReassemblyResult {
  return reassembly.add(vrf, packet, 0, packet.length, "Ethernet0/0");
}

/** The payload of a completed datagram. */
function payloadOf(result: ReassemblyResult): Uint8Array {
  if (result.kind !== "complete") throw new Error(`not complete: ${JSON.stringify(result)}`);
  const parsed = parseIpv4(result.buf.subarray(result.start, result.end));
  if (isWireError(parsed)) throw new Error(String(parsed));
  expect(parsed.repr).toMatchObject({ moreFragments: false, fragmentOffsetBytes: 0 });
  return parsed.payload;
}

beforeEach(() => {
  clock = new VirtualClock();
  timeouts = [];
  r = make();
});

describe("IPv4 reassembly", () => {
  it("rebuilds a datagram from fragments in any order, each byte in its place", () => {
    const whole = pattern(3000);
    expect(add(fragment(1480, 1480, true, whole)).kind).toBe("pending");
    expect(add(fragment(2960, 40, false, whole)).kind).toBe("pending");
    expect(payloadOf(add(fragment(0, 1480, true, whole)))).toEqual(whole);
    expect([r.inProgress, r.heldBytes]).toEqual([0, 0]);
  });

  it("takes back the largest datagram the router's own fragmenter sends, over the smallest MTU it will split for", () => {
    const whole = pattern(65_535 - 20);
    const packet = fragment(0, whole.length, false, whole);
    const pieces: Uint8Array[] = [];
    let mtu = 576;
    while (!fragmentIpv4(packet, 0, packet.length, mtu, (buf, start, end) => pieces.push(buf.slice(start, end)) > 0)) {
      pieces.length = 0;
      mtu += 8;
    }
    expect(pieces.length).toBe(DEFAULT_REASSEMBLY_LIMITS.maxFragmentsPerDatagram);
    const last = pieces.pop() as Uint8Array;
    for (const p of pieces.reverse()) expect(add(p).kind).toBe("pending");
    expect(payloadOf(add(last))).toEqual(whole);
  });

  it("drops the datagram whole on (0, 1480, MF), (1480, 8, MF), (8, 16, last) without throwing", () => {
    // The reproduction from issue 9: the last fragment overlaps the first and ends before the
    // second, so the datagram would end before data already held (Linux: "corruption").
    expect(add(fragment(0, 1480, true)).kind).toBe("pending");
    expect(add(fragment(1480, 8, true)).kind).toBe("pending");
    expect(add(fragment(8, 16, false))).toEqual({ kind: "dropped", reason: "reassembly-malformed", fragments: 3 });
    expect([r.inProgress, r.heldBytes]).toEqual([0, 0]);
    clock.advance(20_000);
    expect(timeouts).toEqual([]);
  });

  it("takes 40,000 fragments of one datagram with bounded state: each 65th discards the 64 held", () => {
    // The other reproduction: 8-byte fragments that never complete used to be kept, all of
    // them, and re-sorted on every arrival. Now no datagram holds more than 64.
    const whole = pattern(65_528);
    const counts = new Map<string, number>();
    for (let i = 0; i < 40_000; i++) {
      const result = add(fragment(((i % 8188) + 1) * 8, 8, true, whole));
      const key = result.kind === "dropped" ? result.reason : result.kind;
      counts.set(key, (counts.get(key) ?? 0) + (result.kind === "dropped" ? result.fragments : 1));
    }
    // 615 rounds of 64 held + 1 that overflows; 25 left waiting.
    expect(Object.fromEntries(counts)).toEqual({ pending: 615 * 64 + 25, "reassembly-fragment-limit": 615 * 65 });
    expect(r.inProgress).toBe(1);
    expect(r.heldBytes).toBe(25 * 28);
  });

  it("drops an exact duplicate alone and still completes", () => {
    const whole = pattern(24);
    add(fragment(0, 16, true, whole));
    expect(add(fragment(0, 16, true, whole))).toEqual({ kind: "dropped", reason: "reassembly-duplicate", fragments: 1 });
    expect(payloadOf(add(fragment(16, 8, false, whole)))).toEqual(whole);
  });

  it("discards the datagram on a partial overlap, whichever side it is on", () => {
    for (const [a, b] of [
      [fragment(0, 16, true), fragment(8, 16, true)],
      [fragment(8, 16, true), fragment(0, 16, true)],
      [fragment(0, 32, true), fragment(8, 8, true)],
      [fragment(8, 8, true), fragment(0, 32, true)],
    ]) {
      add(a);
      expect(add(b)).toEqual({ kind: "dropped", reason: "reassembly-overlap", fragments: 2 });
    }
    expect(r.inProgress).toBe(0);
  });

  it("discards the datagram when fragments disagree about where it ends", () => {
    add(fragment(0, 8, true));
    add(fragment(16, 8, false));
    // a second, different last fragment
    expect(add(fragment(16, 16, false))).toEqual({ kind: "dropped", reason: "reassembly-malformed", fragments: 3 });
    // data past the known end
    add(fragment(16, 8, false));
    expect(add(fragment(24, 8, true))).toEqual({ kind: "dropped", reason: "reassembly-malformed", fragments: 2 });
    // a last fragment that ends before data already held
    add(fragment(32, 8, true));
    expect(add(fragment(8, 8, false))).toEqual({ kind: "dropped", reason: "reassembly-malformed", fragments: 2 });
    expect(r.inProgress).toBe(0);
  });

  it("drops malformed fragments alone: not a multiple of 8 with MF, empty, past 64 KiB", () => {
    expect(add(fragment(0, 12, true))).toEqual({ kind: "dropped", reason: "reassembly-malformed", fragments: 1 });
    expect(add(fragment(8, 0, true))).toEqual({ kind: "dropped", reason: "reassembly-malformed", fragments: 1 });
    expect(add(fragment(65_512, 8, false))).toEqual({ kind: "dropped", reason: "reassembly-malformed", fragments: 1 });
    expect(r.inProgress).toBe(0);
  });

  it("refuses a datagram whose first header's options would make it longer than 65,535 bytes", () => {
    const options = new Uint8Array([0x01, 0x01, 0x01, 0x00]); // NOPs and end of options
    add(fragment(8, 65_504, false));
    expect(add(fragment(0, 8, true, pattern(8), 7, { options }))).toEqual({ kind: "dropped", reason: "reassembly-malformed", fragments: 2 });
  });

  it("keeps datagrams apart by VRF, source, destination, protocol and identification", () => {
    const whole = pattern(16);
    add(fragment(0, 8, true, whole), r, 0);
    add(fragment(0, 8, true, whole, 8), r, 0);
    add(fragment(0, 8, true, whole, 7, { protocol: 6 }), r, 0);
    add(fragment(0, 8, true, whole, 7, { src: ip("10.9.9.9") }), r, 0);
    add(fragment(0, 8, true, whole), r, 1);
    expect(r.inProgress).toBe(5);
    expect(payloadOf(add(fragment(8, 8, false, whole), r, 0))).toEqual(whole);
    expect(r.inProgress).toBe(4);
  });

  it("holds at most maxDatagrams datagrams and maxBytes bytes; beyond, the new fragment is dropped alone", () => {
    const small = make({ maxDatagrams: 2, maxBytes: 100 });
    expect(add(fragment(0, 8, true, pattern(8), 1), small).kind).toBe("pending");
    expect(add(fragment(0, 8, true, pattern(8), 2), small).kind).toBe("pending");
    expect(add(fragment(0, 8, true, pattern(8), 3), small)).toEqual({ kind: "dropped", reason: "reassembly-overflow", fragments: 1 });
    expect(small.heldBytes).toBe(2 * 28);
    expect(add(fragment(8, 40, true, pattern(48), 1), small)).toEqual({ kind: "dropped", reason: "reassembly-overflow", fragments: 1 }); // 56 + 60 > 100
    expect(add(fragment(8, 16, true, pattern(24), 1), small).kind).toBe("pending"); // 56 + 36 fits
    expect([small.inProgress, small.heldBytes]).toEqual([2, 92]);
  });

  it("times out an incomplete datagram, reporting the first fragment and how many were held", () => {
    add(fragment(0, 8, true));
    add(fragment(16, 8, true));
    add(fragment(64, 8, true, pattern(72), 9)); // another datagram, without its first fragment
    clock.advance(14_999);
    expect(timeouts).toEqual([]);
    clock.advance(1);
    expect(timeouts.map((t) => [t.first?.length, t.fragments])).toEqual([
      [28, 2],
      [undefined, 1],
    ]);
    expect([r.inProgress, r.heldBytes]).toEqual([0, 0]);
  });

  it("never throws, and either rebuilds exactly the datagram or leaves nothing half-done, for any fragment sequence", () => {
    const piece = fc.record({ units: fc.integer({ min: 0, max: 40 }), length: fc.integer({ min: 0, max: 400 }), more: fc.boolean() });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const local = make({ maxFragmentsPerDatagram: 8 });
        const whole = pattern(800);
        for (const p of pieces) {
          const packet = fragment(p.units * 8, Math.min(p.length, 800 - p.units * 8), p.more || p.units === 0, whole);
          const result = add(packet, local);
          if (result.kind === "complete") {
            const payload = payloadOf(result);
            expect(payload).toEqual(whole.subarray(0, payload.length));
          }
          expect(local.inProgress).toBeLessThanOrEqual(1);
        }
        if (local.inProgress === 0) expect(local.heldBytes).toBe(0);
      }),
      { seed: 9, numRuns: 2000 },
    );
  });
});
