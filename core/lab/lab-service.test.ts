// The lab service's edits of lab.yaml, on a lab that is not deployed (the browser e2e test
// drives the same edits from the canvas, and deploys).
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LabService, LabServiceError } from "./lab-service";
import { exampleLabDir } from "./testdata/example-lab";

let scratch: string;
let labDir: string;
let service: LabService;

beforeEach(async () => {
  scratch = mkdtempSync(join(tmpdir(), "flexlab-service-"));
  labDir = join(scratch, "lab");
  cpSync(exampleLabDir("two-routers"), labDir, { recursive: true });
  service = await LabService.open(labDir, { runtime: "process" });
});

afterEach(() => {
  service.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the lab service editing lab.yaml", () => {
  it("saves positions, which the next view and a fresh open both carry, and leaves no temporary file", async () => {
    const seen: string[] = [];
    const off = service.onView((v) => seen.push(JSON.stringify(v.nodes.map((n) => n.position ?? null))));
    const first = service.view().nodes[0].name;
    await service.edit({ kind: "layout", nodes: { [first]: { x: 120, y: 80 } }, links: [] });
    off();
    expect(service.view().nodes[0].position).toEqual({ x: 120, y: 80 });
    expect(seen.at(-1)).toContain('{"x":120,"y":80}');
    const reopened = await LabService.open(labDir, { runtime: "process" });
    expect(reopened.view().nodes[0].position).toEqual({ x: 120, y: 80 });
    reopened.close();
    expect(readdirSync(labDir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("adds a router with a config of its own, and keeps a config file that was there", async () => {
    await service.edit({ kind: "add-node", name: "R9", config: "R9.cfg" });
    expect(readFileSync(join(labDir, "R9.cfg"), "utf8")).toBe("hostname R9\n!\nend\n");
    await service.edit({ kind: "remove-node", name: "R9" });
    expect(service.view().nodes.map((n) => n.name)).not.toContain("R9");
    writeFileSync(join(labDir, "R9.cfg"), "hostname R9\n! someone's work\nend\n");
    await service.edit({ kind: "add-node", name: "R9", config: "R9.cfg" });
    expect(readFileSync(join(labDir, "R9.cfg"), "utf8")).toContain("someone's work");
  });

  it("refuses an edit that would break the lab and leaves lab.yaml as it was", async () => {
    const before = readFileSync(join(labDir, "lab.yaml"), "utf8");
    const [a, b] = service.view().nodes.map((n) => n.name);
    const used = service.view().links[0].endpoints[0];
    const refused = service.edit({ kind: "add-link", endpoints: [used, { node: a === used.node ? b : a, iface: "Ethernet0/3" }] });
    await expect(refused).rejects.toBeInstanceOf(LabServiceError);
    await expect(refused).rejects.toThrow(/already used/);
    expect(readFileSync(join(labDir, "lab.yaml"), "utf8")).toBe(before);
  });
});
