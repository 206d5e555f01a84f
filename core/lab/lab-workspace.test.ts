// Listing, opening and making labs from templates, on scratch folders (never deployed).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LabApiSession } from "./lab-api-server";
import { LabWorkspace } from "./lab-workspace";
import { copyExampleLabSync, exampleLabDir } from "./testdata/example-lab";

let labsDir: string;
let workspace: LabWorkspace;

beforeEach(async () => {
  labsDir = mkdtempSync(join(tmpdir(), "flexlab-labs-"));
  copyExampleLabSync("two-routers", join(labsDir, "first"));
  mkdirSync(join(labsDir, "not-a-lab"));
  workspace = await LabWorkspace.open(join(labsDir, "first"), { service: { runtime: "process" }, templatesDir: join(exampleLabDir("two-routers"), "..") });
});

afterEach(() => {
  workspace.close();
  rmSync(labsDir, { recursive: true, force: true });
});

describe("the labs the app can open", () => {
  it("lists the lab folders beside the open one, and the example labs as templates with their first comment", async () => {
    const listing = await workspace.list();
    expect(listing.current).toBe(join(labsDir, "first"));
    expect(listing.labs.map((l) => [l.dir, l.routers, l.running])).toEqual([[join(labsDir, "first"), 2, false]]);
    const seed = listing.templates.find((t) => t.name === "mpls-over-flexvpn");
    expect(seed?.summary).toMatch(/^MPLS over FlexVPN/);
  });

  it("makes a lab from a template under a new name, without the template's runs, and opens it", async () => {
    const switched: string[] = [];
    workspace.onSwitch((s) => switched.push(s.dir));
    const view = await workspace.create("mine", "mpls-over-flexvpn");
    const dir = join(labsDir, "mine");
    expect(view).toMatchObject({ name: "mine", dir, deployed: false });
    expect(view.nodes).toHaveLength(4);
    expect(switched).toEqual([dir]);
    expect(workspace.service.dir).toBe(dir);
    const yaml = readFileSync(join(dir, "lab.yaml"), "utf8");
    expect(yaml).toMatch(/^name: mine$/m);
    expect(yaml).toContain("# MPLS over FlexVPN");
    expect(existsSync(join(dir, ".flexlab")) || existsSync(join(dir, "pki"))).toBe(false);
    await expect(workspace.create("mine", "two-routers")).rejects.toThrow(/exists already/);
    await expect(workspace.create("other", "no-such-template")).rejects.toThrow(/no template "no-such-template"/);
    expect(existsSync(join(labsDir, "other"))).toBe(false);
  });

  it("opens a listed lab and refuses a folder that is not one", async () => {
    await workspace.create("second", "two-routers");
    expect((await workspace.openLab(join(labsDir, "first"))).dir).toBe(join(labsDir, "first"));
    await expect(workspace.openLab(join(labsDir, "not-a-lab"))).rejects.toThrow(/no lab folder/);
    await expect(workspace.openLab("/etc")).rejects.toThrow(/no lab folder/);
  });

  it("tells every connection of the new lab's view when another lab opens", async () => {
    const sent: { event?: string; data?: { name?: string }; id?: number; result?: unknown }[] = [];
    const session = new LabApiSession(workspace, (text) => sent.push(JSON.parse(text)));
    session.receive(JSON.stringify({ id: 1, method: "labs.create", params: { name: "third", template: "two-routers" } }));
    await expect.poll(() => sent.find((m) => m.id === 1)).toBeDefined();
    expect(sent.some((m) => m.event === "lab.status" && m.data?.name === "third")).toBe(true);
    session.receive(JSON.stringify({ id: 2, method: "labs.create", params: { name: "../escape", template: "two-routers" } }));
    await expect.poll(() => sent.find((m) => m.id === 2)).toMatchObject({ error: { code: "bad-request" } });
    session.close();
  });
});
