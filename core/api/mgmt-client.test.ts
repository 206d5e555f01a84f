import { describe, expect, it } from "vitest";
import { MgmtClient, type MgmtTransport } from "./mgmt-client";
import { MGMT_METHODS, mgmtPushSchema } from "./mgmt";
import type { InterfaceRow } from "./tables";

/** A transport the test plays the agent on: it sees what the client sends and answers. */
function fakeAgent() {
  const sent: { id: number; method: string; params: unknown }[] = [];
  let deliver: (text: string) => void = () => {};
  let closed: (code: number, reason: string) => void = () => {};
  const transport: MgmtTransport = {
    send: (text) => void sent.push(JSON.parse(text) as { id: number; method: string; params: unknown }),
    close: () => closed(1000, ""),
    onMessage: (h) => (deliver = h),
    onClose: (h) => (closed = h),
  };
  return { client: new MgmtClient(transport), sent, reply: (message: unknown) => deliver(JSON.stringify(message)), drop: (code: number, reason: string) => closed(code, reason) };
}

const ROW: InterfaceRow = { interface: "Ethernet0/0", ipAddress: "10.0.12.1", ok: "YES", method: "NVRAM", status: "up", protocol: "up" };

describe("MgmtClient", () => {
  it("sends requests with ids and resolves each with its own answer", async () => {
    const agent = fakeAgent();
    const info = agent.client.call("node.info", {});
    const exec = agent.client.exec("show clock");
    expect(agent.sent).toEqual([
      { id: 1, method: "node.info", params: {} },
      { id: 2, method: "exec", params: { command: "show clock" } },
    ]);
    agent.reply({ id: 2, result: { output: "00:00:00.000 UTC\n" } });
    agent.reply({ id: 1, error: { code: "internal", message: "boom" } });
    expect(await exec).toEqual({ ok: true, result: { output: "00:00:00.000 UTC\n" } });
    expect(await info).toEqual({ ok: false, error: { code: "internal", message: "boom" } });
  });

  it("refuses a result that does not fit the method's schema", async () => {
    const agent = fakeAgent();
    const exec = agent.client.exec("show clock");
    agent.reply({ id: 1, result: { text: "wrong field" } });
    expect(await exec).toMatchObject({ ok: false, error: { code: "bad-response", message: expect.stringContaining("result.output") } });
  });

  it("validates table rows against the table's schema", async () => {
    const agent = fakeAgent();
    const good = agent.client.table("interfaces");
    agent.reply({ id: 1, result: { rows: [ROW] } });
    expect(await good).toEqual({ ok: true, result: [ROW] });
    const bad = agent.client.table("interfaces");
    agent.reply({ id: 2, result: { rows: [{ ...ROW, protocol: "sideways" }] } });
    expect(await bad).toMatchObject({ ok: false, error: { code: "bad-response" } });
  });

  it("hands a watch the push that arrives right behind its reply", async () => {
    const agent = fakeAgent();
    const seen: InterfaceRow[][] = [];
    const watching = agent.client.watchTable("interfaces", (rows) => seen.push(rows));
    // Both in one go, before the caller's continuation has run.
    agent.reply({ id: 1, result: { watchId: 7 } });
    agent.reply({ method: "push", params: { stream: "tables", watchId: 7, data: { table: "interfaces", rows: [ROW] } } });
    const watch = await watching;
    expect(watch.ok && watch.result.watchId).toBe(7);
    expect(seen).toEqual([[ROW]]);
    if (watch.ok) void watch.result.stop();
    expect(agent.sent.at(-1)).toEqual({ id: 2, method: "unwatch", params: { watchId: 7 } });
  });

  it("resolves calls in flight as disconnected when the connection ends, remembering why", async () => {
    const agent = fakeAgent();
    const pending = agent.client.call("node.info", {});
    agent.drop(4001, "unauthorized");
    expect(await pending).toMatchObject({ ok: false, error: { code: "disconnected", message: expect.stringContaining("4001") } });
    expect(agent.client.closeInfo).toEqual({ code: 4001, reason: "unauthorized" });
    expect(await agent.client.call("node.info", {})).toMatchObject({ ok: false, error: { code: "disconnected" } });
  });
});

describe("the mgmt API contract", () => {
  it("fills in defaults and names the offending field of bad params", () => {
    expect(MGMT_METHODS["events.watch"].params.parse(undefined)).toEqual({});
    const bad = MGMT_METHODS["tables.watch"].params.safeParse({ table: "lfib", intervalMs: 5 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join("."))).toEqual(["table", "intervalMs"]);
  });

  it("tells pushes apart by stream", () => {
    const push = mgmtPushSchema.parse({ method: "push", params: { stream: "capture", watchId: 3, data: { timestampNs: "1700000000000000000", direction: "rx", frame: "AAAA" } } });
    expect(push.params.stream).toBe("capture");
    expect(mgmtPushSchema.safeParse({ method: "push", params: { stream: "capture", watchId: 3, data: { frame: "AAAA" } } }).success).toBe(false);
  });
});
