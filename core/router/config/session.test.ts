import { describe, expect, it } from "vitest";
import { configCommands } from "./commands/index";
import type { ConfigCommand } from "./command";
import { Grammar, type GrammarEntry } from "./grammar/engine";
import { formatHelp } from "./grammar/help";
import { parseConfig } from "./parse";
import { renderInterface, renderRunningConfig } from "./render";
import { ConfigSession } from "./session";

function session(lines: readonly string[] = []): ConfigSession {
  const s = new ConfigSession();
  for (const l of lines) {
    const r = s.execute(l);
    if (r.error) throw new Error(`${l}: ${r.error.message}`);
  }
  return s;
}

function run(s: ConfigSession, line: string) {
  return s.execute(line);
}

describe("ConfigSession", () => {
  it("accepts IOS abbreviations and shows the prompt of each mode", () => {
    const s = session(["host R1"]);
    expect(s.prompt()).toBe("R1(config)#");
    expect(run(s, "int e0/0").error).toBeUndefined();
    expect(s.prompt()).toBe("R1(config-if)#");
    expect(run(s, "ip add 1.1.1.1 255.255.255.0").error).toBeUndefined();
    expect(run(s, "desc  uplink  to ISP").error).toBeUndefined();
    expect(run(s, "int eth0/1.10").error).toBeUndefined();
    expect(s.prompt()).toBe("R1(config-subif)#");
    expect(run(s, "encap dot1q 10").error).toBeUndefined();
    expect(run(s, "int tu0").error).toBeUndefined();
    expect(run(s, "tun so lo0").error).toBeUndefined();
    expect(run(s, "tun mo gre multi").error).toBeUndefined();
    expect(run(s, "int virtual-t1 ty tun").error).toBeUndefined();
    expect(run(s, "router bgp 65000").error).toBeUndefined();
    expect(s.prompt()).toBe("R1(config-router)#");
    expect(run(s, "addr vpnv4").error).toBeUndefined();
    expect(s.prompt()).toBe("R1(config-router-af)#");
    const m = s.model;
    expect(m.interfaces["Ethernet0/0"].ipv4).toEqual({ kind: "static", primary: { address: 0x01010101, prefixLen: 24 }, secondaries: [] });
    expect(m.interfaces["Ethernet0/0"].description).toBe("uplink  to ISP");
    expect(m.interfaces["Ethernet0/1.10"].dot1q).toEqual({ vlan: 10, native: false });
    expect(m.interfaces.Tunnel0.tunnel).toEqual({ mode: "gre-multipoint", source: { kind: "interface", interface: "Loopback0" } });
    expect(m.interfaces["Virtual-Template1"].templateType).toBe("tunnel");
  });

  it("takes the shortest unique prefix, as `sh` for shutdown in an interface", () => {
    const s = session(["int lo0", "sh"]);
    expect(s.model.interfaces.Loopback0.shutdown).toBe(true);
    expect(run(s, "no sh").error).toBeUndefined();
    expect(s.model.interfaces.Loopback0.shutdown).toBe(false);
    expect(run(s, "m").error?.message).toBe('% Ambiguous command:  "m"');
    expect(run(s, "SHUT").error).toBeUndefined();
  });

  it("gives the prompts of the crypto and VRF modes", () => {
    const s = session();
    const prompts: Record<string, string> = {
      "crypto pki trustpoint CA": "Router(ca-trustpoint)#",
      "crypto pki certificate map M 10": "Router(ca-certificate-map)#",
      "crypto pki certificate chain CA": "Router(config-cert-chain)#",
      "certificate ca 01": "Router(config-pubkey)#",
      "crypto ikev2 proposal P": "Router(config-ikev2-proposal)#",
      "crypto ikev2 policy P": "Router(config-ikev2-policy)#",
      "crypto ikev2 keyring K": "Router(config-ikev2-keyring)#",
      "peer ANY": "Router(config-ikev2-keyring-peer)#",
      "crypto ikev2 authorization policy default": "Router(config-ikev2-author-policy)#",
      "crypto ikev2 profile default": "Router(config-ikev2-profile)#",
      "crypto ipsec transform-set T esp-aes 256 esp-sha-hmac": "Router(cfg-crypto-trans)#",
      "crypto ipsec profile default": "Router(ipsec-profile)#",
      "vrf definition A": "Router(config-vrf)#",
      "address-family ipv4": "Router(config-vrf-af)#",
      "ip vrf B": "Router(config-vrf)#",
      "route-map RM permit 10": "Router(config-route-map)#",
      redundancy: "Router(config-red)#",
    };
    for (const [line, prompt] of Object.entries(prompts)) {
      expect(run(s, line).error, line).toBeUndefined();
      expect(s.prompt(), line).toBe(prompt);
    }
  });

  it("leaves modes with exit, exit-address-family and end", () => {
    const s = session(["router bgp 1", "address-family ipv4 unicast"]);
    expect(run(s, "exit-address-family").mode).toBe("router-bgp");
    expect(run(s, "exit").mode).toBe("config");
    run(s, "interface Loopback1");
    expect(run(s, "end").mode).toBe("exec");
    expect(s.prompt()).toBe("Router#");
    expect(run(s, "hostname X").error?.message).toBe("% Invalid input detected at '^' marker.");
    s.enterConfig();
    expect(run(s, "exit").mode).toBe("exec");
  });

  it("removes the interface's address when it joins a VRF, with IOS's message", () => {
    const s = session(["ip vrf cust1", " rd 1:1", "interface Ethernet0/2", " ip address 192.168.110.1 255.255.255.0"]);
    const r = run(s, " ip vrf forwarding cust1");
    expect(r.output).toEqual(["% Interface Ethernet0/2 IPv4 disabled and address(es) removed due to enabling VRF cust1"]);
    expect(s.model.interfaces["Ethernet0/2"].ipv4).toEqual({ kind: "none" });
    expect(s.model.interfaces["Ethernet0/2"].vrf).toEqual({ name: "cust1", style: "ip-vrf" });
    // joining the VRF it is already in changes nothing
    run(s, " ip address 192.168.110.1 255.255.255.0");
    expect(run(s, " ip vrf forwarding cust1").output).toEqual([]);
    expect(s.model.interfaces["Ethernet0/2"].ipv4.kind).toBe("static");
    // an interface without an address says nothing
    run(s, "interface Loopback5");
    expect(run(s, "vrf forwarding cust1").output).toEqual([]);
    expect(run(s, "no vrf forwarding").output).toEqual([]);
    expect(run(s, "vrf forwarding nope").error?.message).toBe("% VRF nope not configured.");
  });

  it("undoes each setting with its no form", () => {
    const setup = [
      "hostname R7",
      "ip domain name lab.local",
      "vrf definition A",
      " rd 65000:1",
      " route-target both 65000:1",
      " address-family ipv4",
      "interface Ethernet0/0",
      " description x",
      " mac-address aabb.cc00.0100",
      " vrf forwarding A",
      " ip address 10.0.0.1 255.255.255.0",
      " ip address 10.0.1.1 255.255.255.0 secondary",
      " ip mtu 1400",
      " no ip unreachables",
      " no ip redirects",
      " ip tcp adjust-mss 1360",
      " ip nhrp network-id 5",
      " ip nhrp shortcut",
      " mpls ip",
      " shutdown",
      "interface Tunnel1",
      " tunnel source 1.1.1.1",
      " tunnel destination 2.2.2.2",
      " tunnel mode ipsec ipv4",
      " tunnel key 7",
      " tunnel protection ipsec profile P",
      "ip route 10.9.0.0 255.255.0.0 Null0 200 tag 9 permanent name blackhole",
      "route-map RM deny 20",
      " match tag 1 2",
      " set local-preference 200",
      "ip local pool P 10.1.1.1 10.1.1.9",
      "router bgp 1",
      " bgp router-id 1.1.1.1",
      " neighbor G peer-group",
      " neighbor 2.2.2.2 remote-as 2",
      " neighbor 2.2.2.2 peer-group G",
      " neighbor 2.2.2.2 description peer",
      " address-family ipv4",
      "  network 10.0.0.0 mask 255.255.255.0",
      "  neighbor 2.2.2.2 route-map RM in",
    ];
    const s = session(setup);
    const before = renderRunningConfig(s.model);
    expect(before).toContain(" ip address 10.0.1.1 255.255.255.0 secondary\n ip address 10.0.0.1 255.255.255.0\n");
    const undo = [
      "router bgp 1",
      " address-family ipv4",
      "  no neighbor 2.2.2.2 route-map RM in",
      "  no network 10.0.0.0 mask 255.255.255.0",
      " exit-address-family",
      " no neighbor 2.2.2.2 description",
      " no neighbor 2.2.2.2 peer-group",
      " no neighbor 2.2.2.2 remote-as 2",
      " no neighbor G peer-group",
      " no bgp router-id",
      "no router bgp 1",
      "no ip local pool P",
      "no route-map RM",
      "no ip route 10.9.0.0 255.255.0.0",
      "interface Tunnel1",
      " no tunnel protection ipsec profile",
      " no tunnel key",
      " no tunnel mode",
      " no tunnel destination",
      " no tunnel source",
      "interface Ethernet0/0",
      " no shutdown",
      " no mpls ip",
      " no ip nhrp shortcut",
      " no ip nhrp network-id",
      " no ip tcp adjust-mss",
      " ip redirects",
      " ip unreachables",
      " no ip mtu",
      " no ip address 10.0.1.1 255.255.255.0 secondary",
      " no ip address",
      " no vrf forwarding",
      " no mac-address",
      " no description",
      "no interface Tunnel1",
      "vrf definition A",
      " no address-family ipv4",
      " no route-target both 65000:1",
      " no rd",
      "no vrf definition A",
      "no ip domain name",
      "no hostname",
    ];
    for (const l of undo) expect(run(s, l).error, l).toBeUndefined();
    expect(s.model).toEqual(session(["interface Ethernet0/0"]).model);
  });

  it("refuses what IOS refuses, with its message", () => {
    const s = session(["interface Ethernet0/0", " ip address 10.0.0.1 255.255.255.0", " ip address 10.0.1.1 255.255.255.0 secondary"]);
    expect(run(s, " no ip address 10.0.0.1 255.255.255.0").error?.message).toBe("Must delete secondary before deleting primary");
    expect(run(s, " ip address 10.0.0.1 255.0.255.0").error?.message).toBe("Bad mask 0xFF00FF00 for address 10.0.0.1");
    expect(run(s, "ip route 10.0.0.1 255.255.255.0 Null0").error?.message).toBe("%Inconsistent address and mask");
    run(s, "router bgp 1");
    expect(run(s, "router bgp 2").error?.message).toBe("% BGP is already running; AS is 1");
    run(s, "router bgp 1");
    expect(run(s, " neighbor 9.9.9.9 ebgp-multihop").error?.message).toBe("% Specify remote-as or peer-group commands first");
    expect(run(s, " neighbor nogroup remote-as 5").error?.message).toBe("% Create the peer-group first");
    run(s, "ip vrf X");
    run(s, "router bgp 1");
    expect(run(s, " address-family ipv4 vrf X").error?.message).toBe("% VRF X does not have an RD configured.");
    expect(s.mode).toBe("router-bgp");
  });

  it("reports invalid input with the caret column, incomplete and ambiguous commands", () => {
    const s = session();
    expect(run(s, "hostnme R1").error).toEqual({ kind: "invalid", message: "% Invalid input detected at '^' marker.", column: 5 });
    expect(run(s, "  ip rout 1.1.1.0 255.255.255.0").error).toEqual({ kind: "incomplete", message: "% Incomplete command.", column: 31 });
    expect(run(s, "i rout 1.1.1.0 255.255.255.0 Null0").error).toEqual({ kind: "ambiguous", message: '% Ambiguous command:  "i rout 1.1.1.0 255.255.255.0 Null0"', column: 0 });
    expect(run(s, "ip route 1.1.1.0 255.255.255.0 v1").error).toEqual({ kind: "ambiguous", message: '% Ambiguous command:  "ip route 1.1.1.0 255.255.255.0 v1"', column: 31 });
    // an old hidden spelling does not make a visible keyword ambiguous
    expect(run(s, "ip dom look").error).toBeUndefined();
  });

  it("reports the error of the mode that got furthest when no mode takes the line", () => {
    const s = session(["interface Ethernet0/0"]);
    // `ip adress`: the interface mode knows `ip address`, so the caret is after "ip ad"
    expect(run(s, "ip adress 1.1.1.1 255.0.0.0").error?.column).toBe(5);
    expect(s.mode).toBe("config-if");
    expect(run(s, "router bgp").error?.kind).toBe("incomplete");
    expect(s.mode).toBe("config-if");
  });

  it("answers ? with the candidates in IOS layout", () => {
    const s = session(["interface Ethernet0/0"]);
    expect(formatHelp(s.help("ip nhrp "), "ip nhrp ")).toEqual([
      "  authentication  Authentication string",
      "  holdtime        Advertised holdtime",
      "  map             Map dest IP addresses to NBMA addresses",
      "  network-id      NBMA Network Identifier",
      "  nhs             Specify a next hop server",
      "  redirect        Enable NHRP redirect",
      "  registration    NHRP registration",
      "  shortcut        Enable shortcut switching",
    ]);
    expect(formatHelp(s.help("ip nhrp network-id "), "")).toEqual(["  <1-4294967295>  Identifier"]);
    expect(formatHelp(s.help("ip nhrp network-id 5 "), "")).toEqual(["  <cr>"]);
    expect(formatHelp(s.help("sh"), "sh")).toEqual(["shutdown"]);
    expect(formatHelp(s.help("ip un"), "ip un")).toEqual(["unnumbered  unreachables"]);
    const top = formatHelp(s.help(""), "");
    expect(top.some((l) => /^ {2}no +Negate a command or set its defaults$/.test(l))).toBe(true);
    expect(top[0]).toMatch(/^ {2}bandwidth +Set bandwidth informational parameter$/);
    expect(top.some((l) => /^ {2}description +Interface specific description$/.test(l))).toBe(true);
    expect(formatHelp(s.help("ip xrob "), "ip xrob ", 16)).toEqual(["                   ^", "% Invalid input detected at '^' marker."]);
    expect(formatHelp(s.help("frob "), "frob ")).toEqual(["% Unrecognized command"]);
  });

  it("completes a unique abbreviation with Tab", () => {
    const s = session(["router bgp 1"]);
    expect(s.complete("neighbor 1.1.1.1 remote")).toBe("neighbor 1.1.1.1 remote-as ");
    expect(s.complete("address-family vp")).toBe("address-family vpnv4 ");
    expect(s.complete("n")).toBeUndefined();
  });

  it("takes the certificate hex after `certificate` until quit, and prints it back", () => {
    const s = session(["crypto pki trustpoint CA", "crypto pki certificate chain CA", " certificate ca 01", "  30820201 3082016A A0030201", "  02020101", "  quit", " certificate 02"]);
    expect(s.model.crypto.pki.certificateChains.CA.certificates).toEqual([
      { serial: "02", ca: false, hex: [] },
      { serial: "01", ca: true, hex: ["30820201 3082016A A0030201", "02020101"] },
    ]);
    const text = renderRunningConfig(s.model);
    expect(text).toContain("crypto pki certificate chain CA\n certificate 02\n certificate ca 01\n  30820201 3082016A A0030201\n  02020101\n  \tquit\n!");
    expect(parseConfig(text).model).toEqual(s.model);
  });

  it("keeps a CSR's self-signed HTTPS certificate as `certificate self-signed`, hex and all", () => {
    const s = session(["crypto pki trustpoint TP-self-signed-1", " enrollment selfsigned", "crypto pki certificate chain TP-self-signed-1", " certificate self-signed 01", "  3082032E 30820216 A0030201", "  quit"]);
    expect(s.model.crypto.pki.certificateChains["TP-self-signed-1"].certificates).toEqual([{ serial: "01", ca: false, selfSigned: true, hex: ["3082032E 30820216 A0030201"] }]);
    const text = renderRunningConfig(s.model);
    expect(text).toContain("crypto pki certificate chain TP-self-signed-1\n certificate self-signed 01\n  3082032E 30820216 A0030201\n  \tquit\n!");
    expect(parseConfig(text).model).toEqual(s.model);
  });

  it("reads a banner over several lines until its delimiter", () => {
    const s = session(["crypto ikev2 authorization policy default", " banner #Welcome", "to the lab#", " pool p"]);
    const policy = s.model.crypto.ikev2.authorizationPolicies.default;
    expect(policy.banner).toBe("Welcome\nto the lab");
    expect(policy.pool).toBe("p");
    expect(renderRunningConfig(s.model)).toContain(" banner ^CWelcome\nto the lab^C\n");
  });

  it("renders one interface for show running-config interface", () => {
    const s = session(["interface Ethernet0/1", " description LAN", " no ip address", " no ip unreachables", " shutdown"]);
    expect(renderInterface(s.model, "Ethernet0/1")).toBe("interface Ethernet0/1\n description LAN\n no ip address\n no ip unreachables\n shutdown\n");
    expect(renderInterface(s.model, "Ethernet0/9")).toBeUndefined();
  });

  it("activates VPNv4 neighbors with extended communities, as IOS does", () => {
    const s = session(["router bgp 1", " neighbor 2.2.2.2 remote-as 1", " address-family vpnv4", "  neighbor 2.2.2.2 activate"]);
    expect(s.model.bgp?.addressFamilies.vpnv4.neighbors["2.2.2.2"]).toEqual({ activate: true, nextHopSelf: false, sendCommunity: "extended" });
    expect(renderRunningConfig(s.model)).toContain("  neighbor 2.2.2.2 activate\n  neighbor 2.2.2.2 send-community extended\n");
  });

  it("defines a VRF's BGP neighbors inside its address family, activated there", () => {
    const s = session(["vrf definition blue", " rd 1:1", " address-family ipv4", "router bgp 1", " address-family ipv4 vrf blue", "  neighbor 192.168.1.2 remote-as 65001"]);
    expect(s.mode).toBe("router-bgp-af");
    const af = s.model.bgp?.addressFamilies["ipv4 vrf blue"];
    expect(af?.vrfNeighbors?.["192.168.1.2"]).toMatchObject({ remoteAs: 65001, isPeerGroup: false });
    expect(af?.neighbors["192.168.1.2"]).toEqual({ activate: true, nextHopSelf: false });
    expect(s.model.bgp?.neighbors).toEqual({});
    expect(renderRunningConfig(s.model)).toContain(" address-family ipv4 vrf blue\n  neighbor 192.168.1.2 remote-as 65001\n  neighbor 192.168.1.2 activate\n exit-address-family\n");
  });

  it("hands commands of another kind (an exec `do`) back to the caller, from the same grammar", () => {
    interface ExecCommand extends GrammarEntry {
      readonly kind: "exec";
      readonly name: string;
    }
    const configModes = [...new Set(configCommands.flatMap((c) => (typeof c.mode === "string" ? [c.mode] : [...c.mode])))];
    const grammar = new Grammar<ConfigCommand | ExecCommand>([
      ...configCommands,
      { kind: "exec", name: "do", mode: configModes, syntax: "do LINE$command", help: ["To run exec commands in config mode", "Exec Command"] },
      { kind: "exec", name: "show-ip-route", mode: "exec", syntax: "show ip route [vrf WORD$vrf]", help: ["Show running system information", "IP information", "IP routing table", "Display routes from a VPN Routing/Forwarding instance", "VPN Routing/Forwarding instance name"] },
    ]);
    const s = new ConfigSession<ExecCommand>(undefined, grammar);
    s.execute("interface Loopback0");
    const r = s.execute("do show ip route vrf blue");
    expect(r.foreign?.entry.name).toBe("do");
    expect(r.foreign?.args.str("command")).toBe("show ip route vrf blue");
    expect(s.mode).toBe("config-if");
    const exec = grammar.match("exec", "sh ip ro vrf blue");
    expect(exec.ok && exec.match.args.str("vrf")).toBe("blue");
    expect(formatHelp(grammar.help("exec", "show ip route "), "")).toEqual(["  vrf   Display routes from a VPN Routing/Forwarding instance", "  <cr>"]);
  });
});
