import { describe, expect, it } from "vitest";
import { parseConfig } from "../parse";
import { renderRunningConfig } from "../render";
import { ConfigSession } from "../session";

const run = (text: string) => renderRunningConfig(parseConfig(text).model);

describe("kept commands", () => {
  it("are still grammar: a typo gets IOS's caret, an abbreviation is taken and shown in full", () => {
    const r = parseConfig("interface GigabitEthernet1\n spede auto\n neg auto\n duplex fulll\nntp sever 10.0.0.1\n");
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      "2:5 % Invalid input detected at '^' marker.",
      "4:13 % Invalid input detected at '^' marker.",
      "5:7 % Invalid input detected at '^' marker.",
    ]);
    expect(renderRunningConfig(r.model)).toContain("interface GigabitEthernet1\n no ip address\n negotiation auto\n!");
  });

  it("replace a single line, keep several of a multi-line command, and remove by the no form's arguments", () => {
    const text = ["ntp server 10.0.0.1 prefer", "ntp server 10.0.0.2", "ntp source Loopback0", "ntp source Loopback1", "no ntp server 10.0.0.1"].join("\n");
    expect(run(text)).toContain("ntp source Loopback1\nntp server 10.0.0.2\n");
    expect(run(text)).not.toContain("10.0.0.1");
  });

  it("show `no` for what IOS has on by default, and nothing once it is back on", () => {
    expect(run("interface GigabitEthernet1\n no ip proxy-arp\n no cdp enable\n")).toContain(" no ip proxy-arp\n");
    expect(run("interface GigabitEthernet1\n no ip proxy-arp\n ip proxy-arp\n")).not.toContain("proxy-arp");
    expect(run("no service pad\nservice tcp-keepalives-in\n")).toContain("no service pad\nservice tcp-keepalives-in\n");
  });

  it("open kept blocks whose lines render nested, and leave them with exit or a line of the parent mode", () => {
    const s = new ConfigSession();
    for (const line of ["policy-map SHAPE", " class class-default", "  shape average 10000000", "  service-policy CHILD", "router ospf 1", " network 10.0.0.0 0.0.0.255 area 0", " exit"]) expect(s.execute(line).error, line).toBeUndefined();
    expect(s.mode).toBe("config");
    const out = renderRunningConfig(s.model);
    expect(out).toContain("policy-map SHAPE\n class class-default\n  shape average 10000000\n  service-policy CHILD\n!");
    expect(out).toContain("router ospf 1\n network 10.0.0.0 0.0.0.255 area 0\n!");
    expect(s.prompt()).toBe("Router(config)#");
    s.execute("crypto isakmp policy 10");
    expect(s.prompt()).toBe("Router(config-isakmp)#");
    expect(s.execute("no router ospf 1").error).toBeUndefined();
    expect(renderRunningConfig(s.model)).not.toContain("router ospf");
  });

  it("warn, naming their family, that the lab does not simulate them", () => {
    const r = parseConfig("router eigrp 100\n network 10.0.0.0\ninterface GigabitEthernet1\n speed 100\n");
    expect(r.warnings.map((w) => [w.line, w.family])).toEqual([
      [1, "routing protocols"],
      [2, "routing protocols"],
      [4, "interface hardware"],
    ]);
  });
});
