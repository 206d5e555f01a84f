import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/parse";
import { parseIpv4 } from "../wire/addr";
import { writeIpv4Header } from "../wire/ipv4";
import { compileAcl } from "../routing/acl";

const ip = (t: string) => parseIpv4(t)!;

/** An IPv4 packet with 20 bytes of layer 4: ports (TCP/UDP) or type and code (ICMP), TCP flags. */
function packet(protocol: number, src: string, dst: string, l4: { sport?: number; dport?: number; flags?: number; type?: number; code?: number } = {}, fragmentOffset = 0): Uint8Array {
  const buf = new Uint8Array(40);
  writeIpv4Header(buf, 0, 40, 0, 1, false, 64, protocol, ip(src), ip(dst));
  if (fragmentOffset) {
    buf[6] = (fragmentOffset >> 8) & 0x1f;
    buf[7] = fragmentOffset & 0xff;
  }
  if (l4.type !== undefined) {
    buf[20] = l4.type;
    buf[21] = l4.code ?? 0;
  } else {
    buf[20] = (l4.sport ?? 0) >> 8;
    buf[21] = (l4.sport ?? 0) & 0xff;
    buf[22] = (l4.dport ?? 0) >> 8;
    buf[23] = (l4.dport ?? 0) & 0xff;
    buf[33] = l4.flags ?? 0;
  }
  return buf;
}

function acl(text: string, name: string) {
  const r = parseConfig(text);
  expect(r.diagnostics).toEqual([]);
  return compileAcl(r.model.accessLists![name]);
}

const SYN = 0x02;
const ACK = 0x10;

describe("access lists as forwarding matches them", () => {
  const edge = acl(
    [
      "ip access-list extended EDGE",
      " permit tcp any 10.0.0.0 0.0.0.255 established",
      " permit tcp any host 10.0.0.10 eq www",
      " permit tcp any host 10.0.0.10 range 8000 8080",
      " permit udp any eq domain any gt 1023",
      " deny   udp any any neq 123",
      " permit udp any any",
      " permit icmp any any echo-reply",
      " permit icmp any any administratively-prohibited",
      " deny   tcp any any eq telnet",
      " permit tcp any any fragments",
    ].join("\n"),
    "EDGE",
  );
  const check = (p: Uint8Array) => edge.permits(p, 0, p.length);

  it("matches ports by eq, range, gt and neq, and established by ACK or RST", () => {
    expect(check(packet(6, "192.0.2.1", "10.0.0.10", { sport: 40000, dport: 80, flags: SYN }))).toBe(true);
    expect(check(packet(6, "192.0.2.1", "10.0.0.10", { sport: 40000, dport: 443, flags: SYN }))).toBe(false);
    expect(check(packet(6, "192.0.2.1", "10.0.0.10", { sport: 40000, dport: 8080, flags: SYN }))).toBe(true);
    expect(check(packet(6, "192.0.2.1", "10.0.0.99", { sport: 22, dport: 50000, flags: ACK }))).toBe(true);
    expect(check(packet(6, "192.0.2.1", "10.0.0.99", { sport: 22, dport: 50000, flags: SYN }))).toBe(false);
    expect(check(packet(17, "192.0.2.53", "10.0.0.5", { sport: 53, dport: 5353 }))).toBe(true);
    expect(check(packet(17, "192.0.2.53", "10.0.0.5", { sport: 53, dport: 1000 }))).toBe(false);
    expect(check(packet(17, "192.0.2.9", "10.0.0.5", { sport: 123, dport: 123 }))).toBe(true);
  });

  it("matches ICMP by type and by type and code", () => {
    expect(check(packet(1, "192.0.2.1", "10.0.0.5", { type: 0 }))).toBe(true);
    expect(check(packet(1, "192.0.2.1", "10.0.0.5", { type: 8 }))).toBe(false);
    expect(check(packet(1, "192.0.2.1", "10.0.0.5", { type: 3, code: 13 }))).toBe(true);
    expect(check(packet(1, "192.0.2.1", "10.0.0.5", { type: 3, code: 1 }))).toBe(false);
  });

  it("lets a later fragment through a permit on its addresses, never through a layer-4 deny", () => {
    // The first entry (established, to 10.0.0.0/24) cannot see flags in a later fragment: as a permit it lets it through.
    expect(check(packet(6, "192.0.2.1", "10.0.0.99", {}, 100))).toBe(true);
    expect(edge.hits[edge.entries.findIndex((e) => e.fragments)]).toBe(0);
  });

  it("counts the entry that decided, and denies what no entry permits", () => {
    const std = acl("access-list 10 permit 10.1.0.0 0.0.255.255\naccess-list 10 deny 10.0.0.0 0.255.255.255\naccess-list 10 permit any", "10");
    const p = (src: string) => packet(17, src, "192.0.2.1", { sport: 1, dport: 2 });
    expect([p("10.1.2.3"), p("10.2.2.3"), p("172.16.0.1")].map((x) => std.permits(x, 0, x.length))).toEqual([true, false, true]);
    expect(std.hits).toEqual([1, 1, 1]);
    const strict = acl("ip access-list standard ONLY\n permit host 10.9.9.9", "ONLY");
    const other = p("10.9.9.8");
    expect(strict.permits(other, 0, other.length)).toBe(false);
  });
});
