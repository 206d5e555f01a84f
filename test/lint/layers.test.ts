// The layer table of ARCHITECTURE.md is enforced by ESLint. These cases prove the rules
// bite: a wrong-way import fails with a message naming the layer rule.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: process.cwd() });

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("ARCHITECTURE.md layer rules", () => {
  it("rejects core/router/wire importing core/lab, naming the rule", async () => {
    const messages = await lintAs("core/router/wire/probe.ts", 'import { main } from "../../cli/main";\nexport const x = main;\n');
    expect(messages.join("\n")).toMatch(/import-x\/no-restricted-paths: .*core\/router\/wire\/ may import nothing outside itself/);
  });

  it("lets a protocol use the clock but not reach up into the CLI", async () => {
    const messages = await lintAs("core/router/bgp/probe.ts", 'import { VirtualClock } from "../clock/virtual";\nimport { x } from "../../cli/main";\nexport const y = [VirtualClock, x];\n');
    expect(messages.some((m) => /core\/router\/bgp\/ may import only/.test(m) && m.includes("no-restricted-paths"))).toBe(true);
    expect(messages.filter((m) => m.includes("no-restricted-paths"))).toHaveLength(1);
  });

  it("lets the router layers import the table row schemas, and nothing else of core/api", async () => {
    const schemas = await lintAs("core/router/routing/probe.ts", 'import type { RouteRow } from "../../api/tables";\nexport type R = RouteRow;\n');
    expect(schemas.filter((m) => m.includes("no-restricted-paths"))).toEqual([]);
    const client = await lintAs("core/router/routing/probe.ts", 'import { MgmtClient } from "../../api/mgmt-client";\nexport const c = MgmtClient;\n');
    expect(client.join("\n")).toMatch(/import-x\/no-restricted-paths: .*core\/router\/routing\/ may import only .*core\/api\/tables\.ts(?!\/)/);
    const wire = await lintAs("core/router/wire/probe.ts", 'import type { RouteRow } from "../../api/tables";\nexport type R = RouteRow;\n');
    expect(wire.join("\n")).toMatch(/core\/router\/wire\/ may import nothing outside itself/);
  });

  it("lets a protocol plug in through node/subsystem.ts, and no further into node/", async () => {
    const ok = await lintAs("core/router/bgp/probe.ts", 'import type { Subsystem } from "../node/subsystem";\nexport const s: Subsystem[] = [];\n');
    expect(ok.filter((m) => m.includes("no-restricted-paths"))).toEqual([]);
    const messages = await lintAs("core/router/bgp/probe.ts", 'import type { Router } from "../node/router";\nexport const r: Router[] = [];\n');
    expect(messages.some((m) => /core\/router\/bgp\/ may import only .*core\/router\/node\/subsystem\.ts/.test(m))).toBe(true);
  });

  it("lets core/lab import the agent's atomic file write, and nothing else of the agent", async () => {
    const storage = await lintAs("core/lab/probe.ts", 'import { writeFileAtomic } from "../router/agent/storage";\nexport const w = writeFileAtomic;\n');
    expect(storage.filter((m) => m.includes("no-restricted-paths"))).toEqual([]);
    const agent = await lintAs("core/lab/probe.ts", 'import { startAgent } from "../router/agent/agent";\nexport const a = startAgent;\n');
    expect(agent.join("\n")).toMatch(/import-x\/no-restricted-paths: .*core\/lab\/ may import only .*core\/router\/agent\/storage\.ts/);
  });

  it("lets core/lab import the learning bridge's MAC table, and nothing else of io/", async () => {
    const table = await lintAs("core/lab/probe.ts", 'import { MacTable } from "../router/io/mac-table";\nexport const t = MacTable;\n');
    expect(table.filter((m) => m.includes("no-restricted-paths"))).toEqual([]);
    const memory = await lintAs("core/lab/probe.ts", 'import { MemoryHub } from "../router/io/memory";\nexport const h = MemoryHub;\n');
    expect(memory.join("\n")).toMatch(/import-x\/no-restricted-paths: .*core\/lab\/ may import only .*core\/router\/io\/mac-table\.ts/);
  });

  it("lets the config layer use the one Result type, and nothing else of core/api", async () => {
    const result = await lintAs("core/router/config/probe.ts", 'import type { Result } from "../../api/result";\nexport type R = Result<{ n: number }>;\n');
    expect(result.filter((m) => m.includes("no-restricted-paths"))).toEqual([]);
    const mgmt = await lintAs("core/router/config/probe.ts", 'import type { MgmtMethod } from "../../api/mgmt";\nexport type M = MgmtMethod;\n');
    expect(mgmt.join("\n")).toMatch(/import-x\/no-restricted-paths: .*core\/router\/config\/ may import only .*core\/api\/result\.ts/);
  });

  it("rejects Node APIs in the browser-safe config layer", async () => {
    const messages = await lintAs("core/router/config/probe.ts", 'import { readFileSync } from "node:fs";\nexport const r = readFileSync;\n');
    expect(messages.join("\n")).toMatch(/no-restricted-imports: .*Browser-safe layer/);
  });

  it("rejects wall-clock time inside core/router", async () => {
    const messages = await lintAs("core/router/net/probe.ts", "export const t = Date.now();\nsetTimeout(() => undefined, 1);\n");
    expect(messages.join("\n")).toMatch(/no-restricted-properties: .*Clock/);
    expect(messages.join("\n")).toMatch(/no-restricted-globals: .*Clock/);
  });

  it("rejects the renderer importing router internals other than the config grammar", async () => {
    const messages = await lintAs("renderer/probe.ts", 'import { VirtualClock } from "../core/router/clock/virtual";\nexport const c = VirtualClock;\n');
    expect(messages.some((m) => m.includes("no-restricted-paths"))).toBe(true);
  });
});

describe("the renderer stays browser code", () => {
  it("refuses Node built-ins, Electron and core/lab in renderer/ (.ts and .tsx), and lets it use core/api and the config grammar", async () => {
    const node = await lintAs("renderer/components/Probe.tsx", 'import { h } from "vue";\nimport { readFileSync } from "node:fs";\nexport const p = () => <div>{String(readFileSync)}</div>;\n');
    expect(node.join("\n")).toMatch(/no-restricted-imports: .*Browser-safe layer \(ARCHITECTURE\.md\): no Node APIs here/);
    const electron = await lintAs("renderer/probe.ts", 'import { ipcRenderer } from "electron";\nexport const i = ipcRenderer;\n');
    expect(electron.join("\n")).toMatch(/no Electron modules here/);
    const lab = await lintAs("renderer/probe.ts", 'import { LabService } from "../core/lab/lab-service";\nexport const l = LabService;\n');
    expect(lab.join("\n")).toMatch(/import-x\/no-restricted-paths: .*renderer\/ may import only core\/api\/, core\/router\/config\//);
    const ok = await lintAs("renderer/probe.ts", 'import { LabClient } from "../core/api/lab-client";\nimport { parseConfig } from "../core/router/config/parse";\nexport const o = [LabClient, parseConfig];\n');
    expect(ok).toEqual([]);
  });
});
