import { describe, expect, it } from "vitest";
import { parseMac, parsePrefix } from "../wire/addr";
import { macBaseFor, serialFor } from "./identity";
import { parsePortSpec } from "./ports";

describe("--port specs", () => {
  it("reads a UDP link to the bridge on 127.0.0.1", () => {
    expect(parsePortSpec("Ethernet0/0=udp:40001:40002")).toEqual({ iface: "Ethernet0/0", backend: { kind: "udp", localPort: 40001, remotePort: 40002 } });
    expect(parsePortSpec("Ethernet0/1=udp:0:40002")).toMatchObject({ backend: { localPort: 0 } });
  });

  it("reads a packet socket by Linux interface name or by MAC", () => {
    expect(parsePortSpec("Ethernet0/1=packet:eth1")).toEqual({ iface: "Ethernet0/1", backend: { kind: "packet", ifname: "eth1" } });
    expect(parsePortSpec("Ethernet1/0=packet-mac:aa:bb:cc:00:01:10")).toEqual({ iface: "Ethernet1/0", backend: { kind: "packet-mac", mac: parseMac("aa:bb:cc:00:01:10") } });
  });

  it("reads a UDP tunnel on every address or on one, its peers left for later", () => {
    expect(parsePortSpec("Ethernet0/0=tunnel:50000")).toEqual({ iface: "Ethernet0/0", backend: { kind: "tunnel", localHost: "0.0.0.0", localPort: 50000 } });
    expect(parsePortSpec("Ethernet0/1=tunnel:127.0.0.2:50001")).toEqual({ iface: "Ethernet0/1", backend: { kind: "tunnel", localHost: "127.0.0.2", localPort: 50001 } });
    expect(parsePortSpec("Ethernet0/0=tunnel:0")).toMatch(/tunnel wants/);
    expect(parsePortSpec("Ethernet0/0=tunnel:pod:1")).toMatch(/tunnel wants/);
    expect(parsePortSpec("Ethernet0/0=tunnel:300.1.1.1:1")).toMatch(/tunnel wants/);
  });

  it("reads a packet socket by the subnet of the NIC's kernel address (swarm tasks)", () => {
    expect(parsePortSpec("Ethernet0/2=packet-subnet:10.254.0.16/29")).toEqual({ iface: "Ethernet0/2", backend: { kind: "packet-subnet", prefix: parsePrefix("10.254.0.16/29") } });
  });

  it("says what is wrong with a spec it cannot use", () => {
    expect(parsePortSpec("Ethernet0/0")).toMatch(/expected IFACE=udp/);
    expect(parsePortSpec("Serial0/0=udp:1:2")).toMatch(/not a physical port name/);
    expect(parsePortSpec("Gi1=udp:1:2")).toMatch(/not a physical port name/);
    expect(parsePortSpec("GigabitEthernet1=udp:1:2")).toEqual({ iface: "GigabitEthernet1", backend: { kind: "udp", localPort: 1, remotePort: 2 } });
    expect(parsePortSpec("Ethernet0/0=udp:1")).toMatch(/LOCALPORT:REMOTEPORT/);
    expect(parsePortSpec("Ethernet0/0=udp:1:0")).toMatch(/LOCALPORT:REMOTEPORT/);
    expect(parsePortSpec("Ethernet0/0=udp:70000:1")).toMatch(/LOCALPORT:REMOTEPORT/);
    expect(parsePortSpec("Ethernet0/0=packet-mac:zz")).toMatch(/MAC like/);
    expect(parsePortSpec("Ethernet0/0=packet-subnet:10.254.0.17/29")).toMatch(/IPv4 prefix like/);
    expect(parsePortSpec("Ethernet0/0=tap:tap0")).toMatch(/unknown backend "tap"/);
  });
});

describe("node identity", () => {
  it("gives each node its own stable IOL-style MACs and serial number", () => {
    expect(macBaseFor("R1")).toBe(macBaseFor("R1"));
    expect(macBaseFor("R1")).not.toBe(macBaseFor("R2"));
    expect(macBaseFor("R1").toString(16)).toMatch(/^aabbc[0-9a-f]{5}00$/);
    // Given its place in the lab, a node gets IOL's own scheme, unique within the lab.
    expect(macBaseFor("R1", 1).toString(16)).toBe("aabbcc000100");
    expect(macBaseFor("R7", 12).toString(16)).toBe("aabbcc000c00");
    expect(serialFor("R1")).toMatch(/^FLX\d{7}$/);
  });
});
