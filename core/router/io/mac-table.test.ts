import { describe, expect, it } from "vitest";
import { FLOOD, MacTable } from "./mac-table";

const A = [0x02, 0, 0, 0, 0, 0x0a];
const B = [0x02, 0, 0, 0, 0, 0x0b];
const C = [0x02, 0, 0, 0, 0, 0x0c];
const BROADCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

function frame(dst: number[], src: number[]): Uint8Array {
  const f = new Uint8Array(60);
  f.set(dst, 0);
  f.set(src, 6);
  f.set([0x08, 0x00], 12);
  return f;
}

/** A frame arriving on `port`: learn, then where it goes. */
function bridge(t: MacTable, f: Uint8Array, port: number): number {
  t.learn(f, 0, port);
  return t.destination(f, 0);
}

describe("the learning bridge's MAC table", () => {
  it("floods a frame to an unknown destination", () => {
    expect(bridge(new MacTable(), frame(B, A), 0)).toBe(FLOOD);
  });

  it("floods broadcast even when the sender is known", () => {
    const t = new MacTable();
    bridge(t, frame(A, B), 1);
    expect(bridge(t, frame(BROADCAST, B), 1)).toBe(FLOOD);
  });

  it("learns source MACs and sends known unicast to that one port", () => {
    const t = new MacTable();
    bridge(t, frame(BROADCAST, A), 0);
    bridge(t, frame(A, C), 2);
    expect(bridge(t, frame(A, B), 1)).toBe(0);
    expect(bridge(t, frame(C, B), 1)).toBe(2);
  });

  it("reads the header where it is in the buffer", () => {
    const t = new MacTable();
    const buf = new Uint8Array(70);
    buf.set(frame(A, B), 10);
    t.learn(buf, 10, 3);
    expect(t.destination(frame(B, A), 0)).toBe(3);
  });

  it("follows a MAC that moves and forgets entries past the ageing time", () => {
    let now = 0;
    const t = new MacTable({ ageingMs: 1000, now: () => now });
    bridge(t, frame(BROADCAST, A), 0);
    bridge(t, frame(BROADCAST, A), 2);
    expect(bridge(t, frame(A, B), 1)).toBe(2);
    now = 1001;
    expect(t.destination(frame(A, B), 0)).toBe(FLOOD);
    expect([...t.entries()].map(([, port]) => port)).toEqual([1]); // A went on the lookup; B stays until one finds it aged
  });

  it("never ages without an ageing time (the simulation's hubs)", () => {
    const t = new MacTable();
    bridge(t, frame(BROADCAST, A), 4);
    expect(t.destination(frame(A, B), 0)).toBe(4);
  });

  it("forgets one port's MACs on flush and never learns from a group source", () => {
    const t = new MacTable();
    bridge(t, frame(BROADCAST, A), 0);
    bridge(t, frame(BROADCAST, C), 1);
    t.flushPort(0);
    expect([...t.entries()].map(([, port]) => port)).toEqual([1]);
    bridge(t, frame(A, BROADCAST), 1);
    expect(t.size).toBe(1);
  });

  it("stops learning when full, and makes room from aged entries", () => {
    let now = 0;
    const t = new MacTable({ capacity: 2, ageingMs: 1000, now: () => now });
    bridge(t, frame(BROADCAST, A), 0);
    bridge(t, frame(BROADCAST, B), 1);
    bridge(t, frame(BROADCAST, C), 2);
    expect(t.size).toBe(2);
    expect(t.destination(frame(C, A), 0)).toBe(FLOOD);
    now = 1500;
    bridge(t, frame(BROADCAST, C), 2);
    expect(t.destination(frame(C, A), 0)).toBe(2);
  });

  it("refuses an ageing time it cannot keep", () => {
    expect(() => new MacTable({ ageingMs: 1000 })).toThrow(TypeError);
    expect(() => new MacTable({ ageingMs: 0, now: () => 0 })).toThrow(RangeError);
  });
});
