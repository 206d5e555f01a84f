// Issue 9, defect 1: one command must not freeze a router. A 20,000-line paste through the
// mgmt API's exec or the console costs what loading that config costs (it took 310 s, applying
// the whole model after every line); a long paste or filter yields between slices, so an exec
// timeout really stops it; and an IOS regex in a filter cannot backtrack.
import { afterEach, describe, expect, it, vi } from "vitest";
import { RealClock } from "../clock/real";
import { Router } from "../node/router";
import { Shell } from "../cli/shell";
import { ConsoleSession } from "./console-session";
import { mgmtHandlers, type MgmtPeer } from "./mgmt-handlers";

/** A config of exactly `lines` lines: loopbacks with addresses, then static routes. */
function pasteText(lines: number): string {
  const out = ["hostname PASTED", "interface Ethernet0/1", ` description ${"a".repeat(32)}!`];
  for (let i = 1; i <= 1000; i++) out.push(`interface Loopback${i}`, ` ip address 10.${100 + (i >> 8)}.${i & 255}.1 255.255.255.255`, "!");
  for (let s = 1; out.length < lines - 1; s++) out.push(`ip route 172.${16 + (s >> 16)}.${(s >> 8) & 255}.${s & 255} 255.255.255.255 Null0 tag ${(s % 1000) + 1}`);
  out.push("end");
  return out.join("\n");
}

const routers: Router[] = [];
afterEach(() => {
  for (const r of routers.splice(0)) r.close();
  vi.restoreAllMocks();
});

function router(): Router {
  const r = new Router({ clock: new RealClock() });
  r.boot("hostname R1\n");
  routers.push(r);
  return r;
}

/** What booting the same text makes of it: the running-config a paste must end up with. */
function booted(text: string): string {
  const r = router();
  r.boot(text);
  return r.runningConfigText();
}

const peer: MgmtPeer = { push: () => {}, congested: false, watches: new Map() };

function handlers(r: Router) {
  return mgmtHandlers({ name: "R1", router: r, version: "test", taps: new Map(), cables: new Map(), reportBug: (context, err) => expect.fail(`${context}: ${String(err)}`) });
}

const withoutTimestamps = (text: string): string => text.replace(/^! Last configuration change.*$/m, "");

describe("pasting config", () => {
  it("pastes 20,000 lines through the mgmt API's exec, applying them once, as loading does", async () => {
    const r = router();
    const text = pasteText(20_000);
    const commit = vi.spyOn(r, "commit");
    const reply = await handlers(r).exec({ command: `configure terminal\n${text}` }, peer);
    expect(reply).toEqual({ result: { output: expect.not.stringContaining("%") } });
    expect(commit.mock.calls.length).toBeLessThanOrEqual(12);
    expect(withoutTimestamps(r.runningConfigText())).toBe(withoutTimestamps(booted(text)));
  }, 30_000);

  it("pastes 20,000 lines typed into the console, echoing them, with one apply", async () => {
    const r = router();
    const text = pasteText(20_000);
    let screen = "";
    const decoder = new TextDecoder();
    const session = new ConsoleSession(r, { write: (bytes) => void (screen = (screen + decoder.decode(bytes)).slice(-200)), end: () => {} });
    session.start();
    const encoder = new TextEncoder();
    session.receive(encoder.encode("\r\nenable\r\nterminal length 0\r\nconfigure terminal\r\n"));
    const commit = vi.spyOn(r, "commit");
    const bytes = encoder.encode(text.replaceAll("\n", "\r\n") + "\r\n");
    // As a telnet client sends a paste: segment after segment, faster than the router reads.
    for (let i = 0; i < bytes.length; i += 1460) session.receive(bytes.subarray(i, i + 1460));
    while (!screen.endsWith("PASTED#")) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(commit.mock.calls.length).toBeLessThanOrEqual(12);
    expect(withoutTimestamps(r.runningConfigText())).toBe(withoutTimestamps(booted(text)));
  }, 30_000);

  it("applies each line at once when typed by hand, printing what applying it found", async () => {
    const r = router();
    const shell = new Shell(r, { privileged: true });
    const out: string[] = [];
    for (const line of ["configure terminal", "interface Loopback1", " ip address 10.9.9.1 255.255.255.255"]) await shell.execute(line, (t) => out.push(t));
    expect(r.stack.interface("Loopback1")?.sourceAddress).toBeDefined();
    await shell.execute("interface Loopback2", (t) => out.push(t), undefined, undefined, { more: true });
    await shell.execute(" ip address 10.9.9.1 255.255.255.255", (t) => out.push(t), undefined, undefined, { more: true });
    expect(r.stack.interface("Loopback2")).toBeUndefined(); // more of the paste is coming
    await shell.execute("end", (t) => out.push(t));
    expect(r.stack.interface("Loopback2")).toBeDefined();
    expect(out.join("\n")).toMatch(/overlaps with Loopback1/);
  });

  it("stops a paste at the exec timeout: the router goes on with nothing more applied", async () => {
    const r = router();
    const reply = await handlers(r).exec({ command: `configure terminal\n${pasteText(200_000)}`, timeoutMs: 50 }, peer);
    expect(reply).toMatchObject({ error: { code: "timeout" } });
    const routes = r.running.staticRoutes.length;
    expect(routes).toBeLessThan(190_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.running.staticRoutes.length).toBe(routes);
  }, 30_000);
});

describe("filtering output", () => {
  it("filters a running-config with a description of 32 a's and a ! through (a+)+$ at once", async () => {
    const r = router();
    r.boot(pasteText(100));
    const out = (await handlers(r).exec({ command: "show running-config | include (a+)+$\nshow running-config | include a!$" }, peer)) as { result: { output: string } };
    expect(out.result.output).toBe(` description ${"a".repeat(32)}!\n`);
  });

  it("prints IOS's error for a pattern that does not compile", async () => {
    const out = (await handlers(router()).exec({ command: "show running-config | include (ab" }, peer)) as { result: { output: string } };
    expect(out.result.output).toBe("% Invalid regular expression\n\n");
  });

  it("stops a filter over long output at its next slice when escaped", async () => {
    const r = router();
    r.boot(pasteText(5000));
    const shell = new Shell(r, { privileged: true });
    shell.terminalLength = 0;
    const escape = new AbortController();
    let printed = 0;
    // Every line is read to its end (about 8 states live per character) and kept: some
    // 700 lines fill a slice.
    const running = shell.execute("show running-config | exclude (a|.)*zq", () => printed++, undefined, escape.signal);
    // The filter yields after its first slice; the escape comes in then.
    setImmediate(() => escape.abort());
    await running;
    expect(printed).toBeGreaterThan(0);
    expect(printed).toBeLessThan(4000);
  });
});
