// The receive path's 802.3 branch: a type field up to 1500 is a length, and the LLC/SNAP PDU
// it measures goes to the handler registered for its OUI and protocol ID, padding cut off;
// a length past the frame is counted as llc-malformed, an LLC the router does not speak as
// llc-unsupported, and neither reaches a handler.
import { beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { memoryPair } from "../io/memory";
import type { Nic } from "../io/nic";
import type { Mac } from "../wire/addr";
import { buildEthernet } from "../wire/ethernet";
import { CiscoSnapPid, LLC_SNAP_HEADER_LENGTH, SnapOui, emitLlcSnap } from "../wire/llc";
import type { EthernetInterface } from "./ethernet-port";
import { NetStack } from "./stack";

const ROUTER_MAC = 0xaabbcc000100 as Mac;
const HOST_MAC = 0x020000000002 as Mac;
const CDP_MAC = 0x01000ccccccc as Mac;

let clock: VirtualClock;
let stack: NetStack;
let host: Nic;
let e0: EthernetInterface;
let heard: { iface: string; payload: number[] }[];

beforeEach(() => {
  clock = new VirtualClock();
  stack = new NetStack({ clock });
  const [routerEnd, hostEnd] = memoryPair({ clock });
  host = hostEnd;
  e0 = stack.addEthernet("Ethernet0/0", routerEnd, { mac: ROUTER_MAC, adminUp: true });
  clock.settle(100);
  heard = [];
  stack.registerSnap(SnapOui.Cisco, CiscoSnapPid.Cdp, (inIf, buf, offset, limit) => heard.push({ iface: inIf.name, payload: [...buf.subarray(offset, limit)] }));
});

function snap(pid: number, payload: number[]): Uint8Array {
  const body = new Uint8Array(LLC_SNAP_HEADER_LENGTH + payload.length);
  emitLlcSnap({ oui: SnapOui.Cisco, pid }, body, 0);
  body.set(payload, LLC_SNAP_HEADER_LENGTH);
  return body;
}

function send(typeOrLength: number, body: Uint8Array, padTo = 0): void {
  const padded = new Uint8Array(Math.max(body.length, padTo));
  padded.set(body);
  host.send(buildEthernet({ dst: CDP_MAC, src: HOST_MAC, etherType: typeOrLength }, padded));
  clock.settle(10);
}

describe("802.3 LLC/SNAP frames", () => {
  it("reach the SNAP handler with the PDU the length field measures, padding cut off", () => {
    const body = snap(CiscoSnapPid.Cdp, [1, 2, 3]);
    send(body.length, body, 46);
    expect(heard).toEqual([{ iface: "Ethernet0/0", payload: [1, 2, 3] }]);
    expect(e0.counters.dropsTotal).toBe(0);
  });

  it("count a length past the frame as llc-malformed, and other LLCs or protocols as llc-unsupported", () => {
    const body = snap(CiscoSnapPid.Cdp, [1, 2, 3]);
    send(body.length + 1, body);
    send(38, Uint8Array.of(0x42, 0x42, 0x03, ...new Array<number>(35).fill(0))); // a spanning-tree BPDU
    const vtp = snap(0x2003, [9]);
    send(vtp.length, vtp);
    expect(heard).toEqual([]);
    expect([e0.counters.drops["llc-malformed"], e0.counters.drops["llc-unsupported"], e0.counters.drops["unknown-ethertype"]]).toEqual([1, 2, 0]);
  });
});
