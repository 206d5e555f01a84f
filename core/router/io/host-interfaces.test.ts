import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { parsePrefix } from "../wire/addr";
import { findInterfaceInPrefix } from "./host-interfaces";

function v4(address: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask: "255.255.255.248", family: "IPv4", mac: "02:42:0a:fe:00:12", internal, cidr: `${address}/29` };
}

function v6(address: string): NetworkInterfaceInfo {
  return { address, netmask: "ffff:ffff:ffff:ffff::", family: "IPv6", mac: "02:42:0a:fe:00:02", internal: false, cidr: `${address}/64`, scopeid: 0 };
}

describe("finding a host interface by the prefix its address is in", () => {
  const interfaces = { lo: [v4("127.0.0.1", true)], eth0: [v4("10.254.0.18")], eth1: [v4("10.254.0.2"), v6("fe80::1")] };

  it("names the one NIC whose address is inside the link network's subnet", () => {
    expect(findInterfaceInPrefix(parsePrefix("10.254.0.16/29")!, interfaces)).toEqual({ ifname: "eth0", address: "10.254.0.18" });
    expect(findInterfaceInPrefix(parsePrefix("10.254.0.0/28")!, interfaces)).toEqual({ ifname: "eth1", address: "10.254.0.2" });
  });

  it("finds none outside every address, and refuses a prefix that holds two NICs", () => {
    expect(findInterfaceInPrefix(parsePrefix("10.9.0.0/16")!, interfaces)).toBeUndefined();
    expect(findInterfaceInPrefix(parsePrefix("10.254.0.0/16")!, interfaces)).toMatch(/eth0 \(10\.254\.0\.18\) and eth1 \(10\.254\.0\.2\) are both in 10\.254\.0\.0\/16/);
  });
});
