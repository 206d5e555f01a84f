import { describe, expect, it } from "vitest";
import { parseIpv4, type Ipv4 } from "../../wire/addr";
import { formatHelp } from "../grammar/help";
import { parseConfig } from "../parse";
import { renderInterface } from "../render";
import { ConfigSession } from "../session";

const ip = (s: string): Ipv4 => {
  const a = parseIpv4(s);
  if (a === undefined) throw new Error(s);
  return a;
};

function session(lines: readonly string[]): ConfigSession {
  const s = new ConfigSession();
  for (const l of lines) {
    const r = s.execute(l);
    if (r.error) throw new Error(`${l}: ${r.error.message}`);
  }
  return s;
}

const SPOKE = [
  "interface Tunnel0",
  " ip address 10.0.0.11 255.255.255.0",
  " ip nhrp authentication cisco",
  " ip nhrp map multicast 172.16.0.1",
  " ip nhrp map 10.0.0.1 172.16.0.1",
  " ip nhrp network-id 1",
  " ip nhrp holdtime 300",
  " ip nhrp nhs 10.0.0.1 nbma 172.16.0.1 multicast",
  " ip nhrp registration no-unique",
  " ip nhrp registration timeout 60",
  " ip nhrp shortcut virtual-template 1",
  " tunnel source Ethernet0/0",
  " tunnel mode gre multipoint",
];

describe("ip nhrp interface commands", () => {
  it("build the model the NHRP engine reads", () => {
    const r = parseConfig(SPOKE.join("\n"));
    expect(r.diagnostics).toEqual([]);
    expect(r.model.interfaces.Tunnel0.nhrp).toEqual({
      redirect: false,
      shortcut: true,
      shortcutVirtualTemplate: 1,
      networkId: 1,
      holdtimeSec: 300,
      authentication: "cisco",
      mapMulticast: [ip("172.16.0.1")],
      maps: [{ protocol: ip("10.0.0.1"), nbma: ip("172.16.0.1") }],
      nhs: [{ address: ip("10.0.0.1"), nbma: ip("172.16.0.1"), multicast: true }],
      registrationNoUnique: true,
      registrationTimeoutSec: 60,
    });
  });

  it("render in IOS's order whatever order they were typed in", () => {
    const shuffled = [SPOKE[0], ...SPOKE.slice(1).reverse()];
    const s = session(shuffled);
    expect(renderInterface(s.model, "Tunnel0")).toEqual(SPOKE.join("\n") + "\n");
  });

  it("are valid on a Virtual-Template of type tunnel, the FlexVPN hub's", () => {
    const s = session(["interface Virtual-Template1 type tunnel", " ip nhrp network-id 1", " ip nhrp redirect timeout 10", " ip nhrp nhs 10.0.0.1"]);
    expect(s.model.interfaces["Virtual-Template1"].nhrp).toEqual({ redirect: true, redirectTimeoutSec: 10, shortcut: false, networkId: 1, nhs: [{ address: ip("10.0.0.1") }] });
    expect(renderInterface(s.model, "Virtual-Template1")).toContain(" ip nhrp network-id 1\n ip nhrp nhs 10.0.0.1\n ip nhrp redirect timeout 10\n");
  });

  it("keep the redirect interval only while it differs from the default, and drop it with the timeout's no form", () => {
    const s = session(["interface Tunnel1", " ip nhrp redirect timeout 20"]);
    expect(s.model.interfaces.Tunnel1.nhrp).toMatchObject({ redirect: true, redirectTimeoutSec: 20 });
    expect(s.execute(" no ip nhrp redirect timeout").error).toBeUndefined();
    expect(s.model.interfaces.Tunnel1.nhrp).toEqual({ redirect: true, shortcut: false });
    expect(renderInterface(s.model, "Tunnel1")).toContain(" ip nhrp redirect\n");
    s.execute(" ip nhrp redirect timeout 5");
    s.execute(" ip nhrp redirect");
    expect(s.model.interfaces.Tunnel1.nhrp?.redirectTimeoutSec).toBeUndefined();
    expect(s.execute(" no ip nhrp redirect").error).toBeUndefined();
    expect(s.model.interfaces.Tunnel1.nhrp).toBeUndefined();
  });

  it("refuse a redirect interval IOS refuses", () => {
    const s = session(["interface Tunnel1"]);
    expect(s.execute(" ip nhrp redirect timeout 1").error?.kind).toBe("invalid");
    expect(s.execute(" ip nhrp redirect timeout 31").error?.kind).toBe("invalid");
    expect(s.model.interfaces.Tunnel1.nhrp).toBeUndefined();
  });

  it("turn plain shortcut switching and the FlexVPN form into each other", () => {
    const s = session(["interface Tunnel0", " ip nhrp shortcut virtual-template 2"]);
    expect(s.model.interfaces.Tunnel0.nhrp).toEqual({ redirect: false, shortcut: true, shortcutVirtualTemplate: 2 });
    s.execute(" ip nhrp shortcut");
    expect(s.model.interfaces.Tunnel0.nhrp).toEqual({ redirect: false, shortcut: true });
    s.execute(" ip nhrp shortcut virtual-template 2");
    expect(s.execute(" no ip nhrp shortcut virtual-template").error).toBeUndefined();
    expect(s.model.interfaces.Tunnel0.nhrp).toBeUndefined();
  });

  it("keep one entry per server and per mapped address, in the order configured", () => {
    const s = session([
      "interface Tunnel0",
      " ip nhrp nhs 10.0.0.2",
      " ip nhrp nhs 10.0.0.1 nbma 172.16.0.1",
      " ip nhrp nhs 10.0.0.2 nbma 172.16.0.2 multicast",
      " ip nhrp map 10.0.0.9 172.16.0.9",
      " ip nhrp map 10.0.0.9 172.16.0.8",
      " ip nhrp map multicast dynamic",
      " ip nhrp map multicast dynamic",
    ]);
    const n = s.model.interfaces.Tunnel0.nhrp;
    expect(n?.nhs).toEqual([
      { address: ip("10.0.0.2"), nbma: ip("172.16.0.2"), multicast: true },
      { address: ip("10.0.0.1"), nbma: ip("172.16.0.1") },
    ]);
    expect(n?.maps).toEqual([{ protocol: ip("10.0.0.9"), nbma: ip("172.16.0.8") }]);
    expect(n?.mapMulticast).toEqual(["dynamic"]);
  });

  it("undo each line with its no form and drop the block once it is empty", () => {
    const s = session(SPOKE);
    const undo = [
      " no ip nhrp map multicast 172.16.0.1",
      " no ip nhrp map 10.0.0.1 172.16.0.1",
      " no ip nhrp nhs 10.0.0.1",
      " no ip nhrp authentication",
      " no ip nhrp network-id",
      " no ip nhrp holdtime",
      " no ip nhrp registration no-unique",
      " no ip nhrp registration timeout",
      " no ip nhrp shortcut",
    ];
    for (const l of undo) expect(s.execute(l).error, l).toBeUndefined();
    expect(s.model.interfaces.Tunnel0.nhrp).toBeUndefined();
    expect(renderInterface(s.model, "Tunnel0")).not.toContain("nhrp");
  });

  it("remove all servers or multicast maps when the no form names none", () => {
    const s = session(["interface Tunnel0", " ip nhrp nhs 10.0.0.1", " ip nhrp nhs 10.0.0.2", " ip nhrp map multicast 1.1.1.1", " ip nhrp map multicast dynamic"]);
    s.execute(" no ip nhrp nhs");
    s.execute(" no ip nhrp map multicast");
    expect(s.model.interfaces.Tunnel0.nhrp).toBeUndefined();
  });

  it("refuse an authentication string longer than the extension carries", () => {
    const s = session(["interface Tunnel0"]);
    expect(s.execute(" ip nhrp authentication 123456789").error?.message).toBe("% NHRP authentication string too long, maximum is 8 characters");
    expect(s.model.interfaces.Tunnel0.nhrp).toBeUndefined();
    expect(s.execute(" ip nhrp authentication 12345678").error).toBeUndefined();
    expect(s.model.interfaces.Tunnel0.nhrp?.authentication).toBe("12345678");
  });

  it("answer ? for the new forms", () => {
    const s = session(["interface Tunnel0"]);
    expect(formatHelp(s.help("ip nhrp redirect "), "")).toEqual(["  timeout  Interval between redirects for the same source and destination", "  <cr>"]);
    expect(formatHelp(s.help("ip nhrp redirect timeout "), "")).toEqual(["  <2-30>  Interval in seconds"]);
    expect(formatHelp(s.help("ip nhrp shortcut "), "")).toEqual(["  virtual-template  Virtual-template interface for shortcut tunnels", "  <cr>"]);
    expect(formatHelp(s.help("ip nhrp map "), "")).toEqual(["  A.B.C.D    IP address of destination", "  multicast  Use this NBMA mapping for broadcasts/multicasts"]);
    expect(formatHelp(s.help("ip nhrp nhs 10.0.0.1 "), "")).toEqual(["  multicast  Use this NBMA mapping for broadcasts/multicasts", "  nbma       NBMA Address", "  <cr>"]);
    expect(formatHelp(s.help("ip nhrp registration "), "")).toEqual(["  no-unique  Don't set unique bit", "  timeout    Interval between registrations"]);
  });
});
