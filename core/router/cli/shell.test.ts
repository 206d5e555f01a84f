import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "../sim/harness";
import { Shell } from "./shell";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const R1 = `hostname R1
vrf definition cust1
 rd 1:1
 address-family ipv4
 exit-address-family
interface Loopback0
 ip address 10.0.0.1 255.255.255.255
interface Ethernet0/0
 description WAN
 ip address 172.16.0.1 255.255.255.252
interface Ethernet0/2
 vrf forwarding cust1
 ip address 192.168.110.1 255.255.255.0
ip route vrf cust1 0.0.0.0 0.0.0.0 Null0 tag 666 name default_originate
end
`;

function boot(): Simulation {
  sim = new Simulation({ nodes: { R1 }, links: [] });
  sim.settle();
  return sim;
}

/** Runs lines in a console-like session (user exec first) and returns the transcript. */
async function session(lines: string[], shell?: Shell): Promise<string> {
  const s = sim!;
  const sh = shell ?? new Shell(s.node("R1").router, { console: true });
  let out = "";
  for (const line of lines) {
    out += sh.prompt() + line + "\n";
    await sh.execute(
      line,
      (t) => (out += t + "\n"),
      (t) => (out += t),
    );
  }
  return out;
}

/** Answers a dialogue's questions one line at a time, letting virtual time run for each:
 * the questions asked and the output printed under the answers. */
async function answer(sh: Shell, answers: string[]): Promise<{ asked: string[]; out: string }> {
  const asked: string[] = [];
  let out = "";
  for (const line of answers) {
    asked.push(sh.prompt());
    let done = false;
    const running = sh.execute(line, (t) => (out += t + "\n"), (t) => (out += t)).then(() => (done = true));
    for (let i = 0; i < 200 && !done; i++) {
      sim!.advance(100);
      await new Promise((r) => setImmediate(r));
    }
    await running;
  }
  return { asked, out };
}

describe("the exec shell", () => {
  it("starts in user exec, enables, configures and comes back, with IOS prompts", async () => {
    boot();
    const out = await session(["enable", "configure terminal", "interface Loopback1", "ip address 10.9.9.9 255.255.255.255", "exit", "end", "disable"]);
    expect(out.split("\n").filter((l) => /^R1[>#(]/.test(l))).toEqual([
      "R1>enable",
      "R1#configure terminal",
      "R1(config)#interface Loopback1",
      "R1(config-if)#ip address 10.9.9.9 255.255.255.255",
      "R1(config-if)#exit",
      "R1(config)#end",
      "R1#disable",
    ]);
    expect(sim!.node("R1").router.stack.interface("Loopback1")?.address).toEqual({ address: 0x0a090909, prefixLength: 32 });
  });

  it("applies config as it is typed and says what IOS says when a VRF takes an interface", async () => {
    boot();
    const out = await session(["enable", "configure terminal", "interface Ethernet0/0", "vrf forwarding cust1"]);
    expect(out.split("\n").filter((l) => l.includes("IPv4 disabled and address(es) removed"))).toEqual([
      "% Interface Ethernet0/0 IPv4 disabled and address(es) removed due to enabling VRF cust1",
    ]);
    expect(sim!.node("R1").router.stack.interface("Ethernet0/0")?.address).toBeUndefined();
  });

  it("runs exec commands from config mode with do", async () => {
    boot();
    const out = await session(["enable", "configure terminal", "do show ip interface brief | include Loopback0"]);
    expect(out).toMatch(/^Loopback0 +10\.0\.0\.1 +YES NVRAM +up +up$/m);
  });

  it("filters output with include, exclude, begin, section and count", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    const run = (line: string) => session([line], sh);
    const included = (await run("show running-config | include ^interface")).split("\n").slice(1, -1);
    expect(included).toEqual(expect.arrayContaining(["interface Loopback0", "interface Ethernet0/0", "interface Ethernet0/2"]));
    expect(included.every((l) => l.startsWith("interface "))).toBe(true);
    expect(await run("show running-config | exclude ^ |^!")).not.toMatch(/^ /m);
    expect(await run("show running-config | section Ethernet0/2")).toContain("interface Ethernet0/2\n vrf forwarding cust1\n ip address 192.168.110.1 255.255.255.0\n");
    expect(await run("show ip interface brief | count up")).toMatch(/Number of lines which match regexp = \d+/);
    expect(await run("show running-config | begin ^ip route")).toMatch(/^ip route vrf cust1 0\.0\.0\.0 0\.0\.0\.0 Null0 tag 666 name default_originate$/m);
  });

  it("shows ? help in IOS's layout, with output modifiers where a show command may end", () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    const help = sh.help("show ip interface brief ");
    // IOS takes an interface after brief: its types, then the modifiers.
    expect(help.slice(0, 1)).toEqual(["  Ethernet          IEEE 802.3"]);
    expect(help.slice(-2)).toEqual(["  |                 Output modifiers", "  <cr>"]);
    expect(sh.help("show ip ro")).toEqual(["route"]);
    expect(sh.help("show ip interface brief | ")).toContain("  include  Include lines that match");
  });

  it("heads a mode's command list with IOS's line, and helps an exec command after do", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    expect(sh.help("")[0]).toBe("Exec commands:");
    await session(["configure terminal"], sh);
    expect(sh.help("")[0]).toBe("Configure commands:");
    expect(sh.help("do show ip rou")).toEqual(["route"]);
    expect(sh.help("do show ip route ").slice(-2)).toEqual(["  |          Output modifiers", "  <cr>"]);
    expect(sh.help("do show ipx "), "the caret counts the prompt and do").toEqual([" ".repeat("R1(config)#do show ip".length) + "^", "% Invalid input detected at '^' marker."]);
    await session(["interface Loopback0"], sh);
    expect(sh.help("")[0]).toBe("Interface configuration commands:");
  });

  it("completes a unique abbreviation with Tab", () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    expect(sh.complete("sh")).toBe("show ");
    expect(sh.complete("show ip int")).toBe("show ip interface ");
  });

  it("prints IOS's errors: caret, incomplete, ambiguous, unknown word", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    expect(await session(["show ip"], sh)).toBe("R1#show ip\n% Incomplete command.\n\n");
    expect(await session(["sh i"], sh)).toBe('R1#sh i\n% Ambiguous command:  "sh i"\n\n');
    expect(await session(["show ip routee"], sh)).toBe("R1#show ip routee\n" + " ".repeat("R1#show ip route".length) + "^\n% Invalid input detected at '^' marker.\n\n");
    expect(await session(["showboot"], sh)).toBe('R1#showboot\nTranslating "showboot"\n% Unknown command or computer name, or unable to find computer address\n');
  });

  it("answers a bare show (or debug, clear) with where to look, as IOS does", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    expect(await session(["show"], sh)).toBe('R1#show\n% Type "show ?" for a list of subcommands\n');
    expect(await session(["sh"], sh)).toBe('R1#sh\n% Type "show ?" for a list of subcommands\n');
    expect(await session(["debug"], sh)).toBe('R1#debug\n% Type "debug ?" for a list of subcommands\n');
  });

  it("lists a subinterface right after its main interface in show ip interface brief, whenever it was made", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    await session(["configure terminal", "interface Ethernet0/2.20", "encapsulation dot1Q 20", "ip address 10.2.0.1 255.255.255.0", "interface Ethernet0/0.10", "encapsulation dot1Q 10", "interface Ethernet0/2.3", "encapsulation dot1Q 3", "end"], sh);
    const names = (await session(["show ip interface brief"], sh))
      .split("\n")
      .slice(2)
      .map((l) => l.split(" ")[0])
      .filter((n) => n !== "");
    expect(names).toEqual(["Ethernet0/0", "Ethernet0/0.10", "Ethernet0/1", "Ethernet0/2", "Ethernet0/2.3", "Ethernet0/2.20", "Ethernet0/3", "Loopback0"]);
  });

  it("shows one source's routes, or those inside a prefix, in the table's layout with the table's subnet counts", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    const statics = await session(["show ip route vrf cust1 static"], sh);
    expect(statics).toMatch(/^S\*\s+0\.0\.0\.0\/0 is directly connected, Null0$/m);
    expect(statics).not.toMatch(/^C /m);
    const connected = await session(["show ip route connected"], sh);
    expect(connected).toContain("      10.0.0.0/32 is subnetted, 1 subnets\nC        10.0.0.1 is directly connected, Loopback0\n");
    expect(connected).toContain("C        172.16.0.0/30 is directly connected, Ethernet0/0\nL        172.16.0.1/32 is directly connected, Ethernet0/0\n");
    const longer = await session(["show ip route 172.16.0.0 255.255.0.0 longer-prefixes"], sh);
    expect(longer).toContain("Gateway of last resort is not set\n\n      172.16.0.0/16 is variably subnetted, 2 subnets, 2 masks\n");
    expect(longer).not.toContain("Loopback0");
    expect(await session(["show ip route 172.16.0.0 longer-prefixes"], sh)).toContain("% Invalid input detected at '^' marker.");
  });

  it("stops translating an unknown word after no ip domain lookup, and starts again with ip domain-lookup", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    const unknown = "% Unknown command or computer name, or unable to find computer address\n";
    await session(["configure terminal", "no ip domain lookup", "end"], sh);
    expect(await session(["showboot"], sh)).toBe("R1#showboot\n" + unknown);
    await session(["configure terminal", "ip domain-lookup", "end"], sh);
    expect(await session(["showboot"], sh)).toBe('R1#showboot\nTranslating "showboot"\n' + unknown);
  });

  it("shows the clock in the zone clock timezone names, offset from UTC", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    const utc = /^\*?(\d\d):\d\d:\d\d\.\d{3} UTC /m.exec(await session(["show clock"], sh));
    await session(["configure terminal", "clock timezone CET 1 0", "end"], sh);
    const cet = /^\*?(\d\d):\d\d:\d\d\.\d{3} CET /m.exec(await session(["show clock"], sh));
    expect(utc).not.toBeNull();
    expect(cet).not.toBeNull();
    expect(Number(cet![1])).toBe((Number(utc![1]) + 1) % 24);
  });

  it("renders show running-config from the model with IOS's header and byte count", async () => {
    boot();
    const out = await session(["show running-config"], new Shell(sim!.node("R1").router, { privileged: true }));
    const m = /Current configuration : (\d+) bytes\n([\s\S]*)$/.exec(out);
    expect(m).not.toBeNull();
    expect(m![2].length).toBe(Number(m![1]));
    expect(out.startsWith("R1#show running-config\nBuilding configuration...\n\nCurrent configuration : ")).toBe(true);
    expect(m![2]).toMatch(/^!\n! Last configuration change at \d\d:\d\d:\d\d UTC \w{3} \w{3} \d+ \d{4}\n!\n/);
    expect(m![2].trimEnd().endsWith("\nend")).toBe(true);
    // Every port the hardware has is listed, configured or not, as IOS does.
    expect(m![2]).toContain("interface Ethernet0/3\n no ip address\n!\n");
  });

  it("asks IOS's extended ping questions for a bare ping, each answer on the question's prompt, then pings", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    expect(await session(["ping"], sh)).toBe("R1#ping\n");
    const { asked, out } = await answer(sh, ["", "10.0.0.1", "3", "", "1", "y", "Loopback0", "", "yes", "", "", "", ""]);
    expect(asked).toEqual([
      "Protocol [ip]: ",
      "Target IP address: ",
      "Repeat count [5]: ",
      "Datagram size [100]: ",
      "Timeout in seconds [2]: ",
      "Extended commands [n]: ",
      "Source address or interface: ",
      "Type of service [0]: ",
      "Set DF bit in IP header? [no]: ",
      "Validate reply data? [no]: ",
      "Data pattern [0x0000ABCD]: ",
      "Loose, Strict, Record, Timestamp, Verbose[none]: ",
      "Sweep range of sizes [n]: ",
    ]);
    expect(out.split("\n").slice(0, 5)).toEqual(["Type escape sequence to abort.", "Sending 3, 100-byte ICMP Echos to 10.0.0.1, timeout is 1 seconds:", "Packet sent with a source address of 10.0.0.1", "Packet sent with the DF bit set", "!!!"]);
    expect(out.split("\n")[5]).toMatch(/^Success rate is 100 percent \(3\/3\), round-trip min\/avg\/max = \d+\/\d+\/\d+ ms$/);
    expect(sh.prompt()).toBe("R1#");
  });

  it("ends the ping dialogue at a wrong answer with IOS's message, and keeps a bare ping out of user exec", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    expect(await session(["ping", "", "10.0.0.1", "lots"], sh)).toBe("R1#ping\nProtocol [ip]: \nTarget IP address: 10.0.0.1\nRepeat count [5]: lots\n% A decimal number between 1 and 2147483647.\n");
    expect(await session(["ping", "ipx"], sh)).toBe('R1#ping\nProtocol [ip]: ipx\n% Unknown protocol - "ipx", type "ping ?" for help\n');
    expect(await session(["ping", "", "10.0.0.300"], sh)).toBe("R1#ping\nProtocol [ip]: \nTarget IP address: 10.0.0.300\n% Bad IP address\n");
    expect(sh.prompt()).toBe("R1#");
    const user = new Shell(sim!.node("R1").router);
    expect(await session(["ping"], user)).toBe("R1>ping\n% Incomplete command.\n\n");
  });

  it("asks IOS's traceroute questions for a bare traceroute, then traces", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    expect(await session(["traceroute"], sh)).toBe("R1#traceroute\n");
    const { asked, out } = await answer(sh, ["", "10.0.0.1", "", "", "1", "1", "", "", "", ""]);
    expect(asked).toEqual([
      "Protocol [ip]: ",
      "Target IP address: ",
      "Source address: ",
      "Numeric display [n]: ",
      "Timeout in seconds [3]: ",
      "Probe count [3]: ",
      "Minimum Time to Live [1]: ",
      "Maximum Time to Live [30]: ",
      "Port Number [33434]: ",
      "Loose, Strict, Record, Timestamp, Verbose[none]: ",
    ]);
    expect(out.split("\n").slice(0, 3)).toEqual(["Type escape sequence to abort.", "Tracing the route to 10.0.0.1", "VRF info: (vrf in name/id, vrf out name/id)"]);
    expect(out.split("\n")[3]).toMatch(/^ {2}1 10\.0\.0\.1 \d+ msec$/);
    expect(sh.prompt()).toBe("R1#");
  });

  it("asks where to configure from for a bare configure, the terminal by default", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    expect(await session(["configure", ""], sh)).toBe("R1#configure\nConfiguring from terminal, memory, or network [terminal]? \nEnter configuration commands, one per line.  End with CNTL/Z.\n");
    expect(sh.prompt()).toBe("R1(config)#");
    await session(["end"], sh);
    expect(await session(["conf", "t"], sh)).toContain("Enter configuration commands");
    await session(["end"], sh);
    expect(await session(["configure", "x"], sh)).toBe('R1#configure\nConfiguring from terminal, memory, or network [terminal]? x\n?Must be "terminal", "memory" or "network"\n');
    expect(sh.prompt()).toBe("R1#");
  });

  it("stops a long ping when the engineer escapes, counting only the probes sent", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    const escape = new AbortController();
    let out = "";
    let finished = false;
    // 172.16.0.2 is on R1's Ethernet0/0 subnet with nobody there: every probe times out.
    const running = sh
      .execute("ping 172.16.0.2 repeat 1000", (t) => (out += t + "\n"), (t) => (out += t), escape.signal)
      .then(() => (finished = true));
    sim!.advance(5_000);
    await Promise.resolve();
    expect(finished).toBe(false);
    escape.abort();
    for (let i = 0; i < 10 && !finished; i++) {
      sim!.advance(100);
      await new Promise((r) => setImmediate(r));
    }
    await running;
    expect(out).toMatch(/^\.\.\.?$/m);
    expect(out).toMatch(/Success rate is 0 percent \(0\/[23]\)$/m);
  });

  it("shows the VRF table and the Null0 static in the VRF's routing table", async () => {
    boot();
    const sh = new Shell(sim!.node("R1").router, { privileged: true });
    expect(await session(["show vrf"], sh)).toContain("  cust1                            1:1                   ipv4        Et0/2");
    expect(await session(["show vrf cust2"], sh)).toContain("% No VRF named cust2");
    const routes = await session(["show ip route vrf cust1"], sh);
    expect(routes).toContain("Routing Table: cust1");
    expect(routes).toMatch(/^S\*\s+0\.0\.0\.0\/0 is directly connected, Null0$/m);
  });
});
