// What a BGP speaker answers to a peer that gets the protocol wrong, driven byte by byte: a
// plain TCP connection from R2 (which runs no BGP) to R1, which has R2 configured as a
// neighbor. Each malformed or unacceptable message draws the NOTIFICATION RFC 4271 §6 names,
// and the session goes no further. Also: the listen limit of dynamic neighbors.
import { afterEach, describe, expect, it } from "vitest";
import type { TcpConnection } from "../net/tcp/connection";
import { ipv4, type Ipv4 } from "../wire/addr";
import { BGP_PORT, buildBgpMessage, parseBgpMessage, type BgpMessage, type BgpOpen } from "../wire/bgp";
import { isWireError } from "../wire/errors";
import { bgpSubsystem } from "../bgp/subsystem";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const R1 = (bgp: string) => `hostname R1
interface Ethernet0/0
 ip address 10.0.12.1 255.255.255.0
ip route 2.2.2.2 255.255.255.255 10.0.12.2
router bgp 65001
 bgp router-id 1.1.1.1
${bgp}`;
const R2 = `hostname R2
interface Ethernet0/0
 ip address 10.0.12.2 255.255.255.0
interface Loopback0
 ip address 2.2.2.2 255.255.255.255
ip route 0.0.0.0 0.0.0.0 10.0.12.1
`;

function start(bgp = " neighbor 10.0.12.2 remote-as 65002\n neighbor 10.0.12.2 transport connection-mode passive\n"): Simulation {
  sim = new Simulation({ nodes: { R1: R1(bgp), R2 }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
  sim.settle(5_000);
  return sim;
}

interface Raw {
  readonly tcp: TcpConnection;
  readonly received: BgpMessage[];
  /** R1 closed its side (FIN after a NOTIFICATION) or reset the connection. */
  closed: boolean;
}

/** R2 opens a TCP connection to R1's port 179 and collects what comes back as messages. */
function connect(s: Simulation, from?: Ipv4): Raw {
  const stack = s.node("R2").router.stack;
  const tcp = stack.tcp.connect({ vrf: stack.vrf()!, remote: ipv4(10, 0, 12, 1), port: BGP_PORT, ...(from !== undefined ? { local: from } : {}) });
  if (typeof tcp === "string") throw new Error(tcp);
  const raw: Raw = { tcp, received: [], closed: false };
  let buf = new Uint8Array(0);
  tcp.onData((bytes) => {
    const next = new Uint8Array(buf.length + bytes.length);
    next.set(buf);
    next.set(bytes, buf.length);
    buf = next;
    for (;;) {
      if (buf.length < 19) break;
      const length = (buf[16] << 8) | buf[17];
      if (buf.length < length) break;
      const m = parseBgpMessage(buf.subarray(0, length), { fourOctetAs: false });
      if (isWireError(m)) throw new Error(String(m));
      raw.received.push(m.message);
      buf = buf.slice(length);
    }
  });
  tcp.onEnd(() => (raw.closed = true));
  tcp.onClose(() => (raw.closed = true));
  s.advance(1000);
  return raw;
}

const open = (over: Partial<BgpOpen> = {}): BgpOpen => ({ type: "open", version: 4, myAs: 65002, holdTimeSec: 180, bgpId: ipv4(2, 2, 2, 2), parameters: [], ...over });
const bytesOf = (m: BgpMessage): Uint8Array => buildBgpMessage(m, { fourOctetAs: false });

function send(s: Simulation, raw: Raw, bytes: Uint8Array): void {
  raw.tcp.write(bytes);
  s.advance(1000);
}

const notification = (raw: Raw) => raw.received.find((m) => m.type === "notification");

describe("NOTIFICATIONs for a peer that gets BGP wrong", () => {
  it("refuses OPEN version 3 with 2/1, naming version 4 as the one it speaks", () => {
    const s = start();
    const raw = connect(s);
    expect(raw.received[0]?.type).toBe("open"); // R1 sends its OPEN as soon as it accepts
    send(s, raw, bytesOf(open({ version: 3 })));
    expect(notification(raw)).toEqual({ type: "notification", code: 2, subcode: 1, data: Uint8Array.of(0, 4) });
    expect(raw.closed).toBe(true);
    expect(s.node("R1").router.subsystem(bgpSubsystem).neighbor("", ipv4(10, 0, 12, 2))?.session.state).not.toBe("Established");
  });

  it("refuses a hold time of 1 second with 2/6", () => {
    const s = start();
    const raw = connect(s);
    send(s, raw, bytesOf(open({ holdTimeSec: 1 })));
    expect(notification(raw)).toMatchObject({ code: 2, subcode: 6 });
  });

  it("refuses a BGP identifier equal to its own with 2/3, and the wrong AS with 2/2", () => {
    const s = start();
    const raw = connect(s);
    send(s, raw, bytesOf(open({ bgpId: ipv4(1, 1, 1, 1) })));
    expect(notification(raw)).toMatchObject({ code: 2, subcode: 3 });
    const again = connect(s);
    send(s, again, bytesOf(open({ myAs: 65099 })));
    expect(notification(again)).toEqual({ type: "notification", code: 2, subcode: 2, data: Uint8Array.of(0xfe, 0x4b) });
    expect(s.node("R1").log.map((l) => l.text)).toContain("%BGP-3-NOTIFICATION: sent to neighbor 10.0.12.2 2/2 (peer in wrong AS) 2 bytes FE4B");
  });

  it("answers a broken marker with 1/1, an unknown message type with 1/3 and an UPDATE before the session is up with 5/0", () => {
    const s = start();
    const bad = bytesOf({ type: "keepalive" });
    bad[3] = 0;
    const a = connect(s);
    send(s, a, bad);
    expect(notification(a)).toMatchObject({ code: 1, subcode: 1 });
    const b = connect(s);
    const typed = bytesOf({ type: "keepalive" });
    typed[18] = 9;
    send(s, b, typed);
    expect(notification(b)).toEqual({ type: "notification", code: 1, subcode: 3, data: Uint8Array.of(9) });
    const c = connect(s);
    send(s, c, bytesOf({ type: "update", withdrawn: [], attributes: [], nlri: [] }));
    expect(notification(c)).toMatchObject({ code: 5, subcode: 0 });
  });

  it("establishes with a correct OPEN and KEEPALIVE, and says Hold Timer Expired (4/0) when the peer goes quiet", () => {
    const s = start();
    const raw = connect(s);
    send(s, raw, bytesOf(open({ holdTimeSec: 9 })));
    expect(raw.received.map((m) => m.type)).toEqual(["open", "keepalive"]);
    send(s, raw, bytesOf({ type: "keepalive" }));
    const n = s.node("R1").router.subsystem(bgpSubsystem).neighbor("", ipv4(10, 0, 12, 2))!;
    expect(n.session.state).toBe("Established");
    expect(n.session.negotiated).toMatchObject({ holdTimeSec: 9, keepaliveSec: 3 });
    s.advance(10_000);
    expect(notification(raw)).toMatchObject({ code: 4, subcode: 0 });
    expect(n.session.state).not.toBe("Established");
  });

  it("resets a connection from an address it has no neighbor or listen range for", () => {
    const s = start(" neighbor 10.0.12.2 remote-as 65002\n");
    const raw = connect(s, ipv4(2, 2, 2, 2));
    expect(raw.received).toEqual([]);
    expect(raw.closed).toBe(true);
    expect(raw.tcp.state).toBe("CLOSED");
  });
});

describe("dynamic neighbors", () => {
  it("accepts a listen range's peers up to bgp listen limit, then refuses more", () => {
    const s = start(" bgp listen range 0.0.0.0/0 peer-group G\n bgp listen limit 1\n neighbor G peer-group\n neighbor G remote-as 65002\n address-family ipv4\n  neighbor G activate\n exit-address-family\n");
    const b = s.node("R1").router.subsystem(bgpSubsystem);
    const first = connect(s, ipv4(10, 0, 12, 2));
    expect(first.received[0]?.type).toBe("open");
    expect(b.all().map((n) => b.shownId(n))).toContain("*10.0.12.2");
    const second = connect(s, ipv4(2, 2, 2, 2));
    expect(second.received).toEqual([]);
    expect(second.tcp.state).toBe("CLOSED");
    expect(b.dynamicCount()).toBe(1);
  });
});
