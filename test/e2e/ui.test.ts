// The app end to end in a real browser: `flexlab serve` on a copy of the seed lab (process
// runtime), Debian's chromium driven by playwright-core. Open the lab, start it, see four
// routers running, run `show ip interface brief` on R4-Spoke's console, see the grammar flag a
// typo in Monaco, apply a change and find it in the running config and in the live interface
// table. Each step leaves a 1280×800 screenshot in dist/artifacts/ui/.
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { decodeCaptureFile } from "../../core/lab/decode";
import { connectMgmt } from "../../core/lab/mgmt-client";
import { readState } from "../../core/lab/runtime/state";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserMissing, consoleText, launchChromium, openApp, serveExampleLab, type Served } from "../support/web-ui";

/** The lines Monaco shows, top to bottom (it reuses line elements, so their order in the
 * page is not the lines' order; its spaces are no-break spaces on screen). */
async function editorText(page: Page, node: string): Promise<string> {
  const lines = await page.locator(`[data-panel="${node}"] .view-lines .view-line`).evaluateAll((els) => els.map((e) => [parseFloat((e as HTMLElement).style.top), e.textContent ?? ""] as const));
  return lines
    .sort((a, b) => a[0] - b[0])
    .map(([, text]) => text.replace(/\u00a0/g, " "))
    .join("\n");
}

const ARTIFACTS = fileURLToPath(new URL("../../dist/artifacts/ui/", import.meta.url));
const missing = browserMissing();
if (missing) console.warn(`ui e2e skipped: ${missing}`);

describe.skipIf(missing !== undefined)("the app in a browser, on the seed lab", () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [served, browser] = await Promise.all([serveExampleLab("mpls-over-flexvpn"), launchChromium()]);
    ({ page, errors } = await openApp(browser, served.url));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  }, 90_000);

  it("serve printed exactly one line, the URL with its token, and refuses a request without it", async () => {
    expect(served.stdout()).toMatch(/^FlexLab UI: http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+\n$/);
    const bare = served.url.replace(/\?token=.*/, "");
    expect((await fetch(bare)).status).toBe(401);
  });

  it("opens the lab: four stopped routers, links labelled with their interfaces", async () => {
    await page.locator(".router-node").nth(3).waitFor();
    expect(await page.locator(".router-node").count()).toBe(4);
    expect(await page.locator('.router-node[data-state="stopped"]').count()).toBe(4);
    const labels = await page.locator(".vue-flow__edge-text").allTextContents();
    expect(labels).toEqual(expect.arrayContaining(["Et0/0 — Et0/0", "Et0/1", "Et0/0"]));
    expect(await page.locator(".lab-name").innerText()).toBe("mpls-over-flexvpn");
    await shot("01-open");
  });

  it("saves a dragged router's place in lab.yaml, comments kept, and draws it there after a reload", async () => {
    const card = page.locator('.router-node[data-node="R1-HUB"]');
    const before = await card.boundingBox();
    await card.hover();
    await page.mouse.down();
    await page.mouse.move(before!.x + 40, before!.y + 160, { steps: 8 });
    await page.mouse.up();
    const labYaml = (): string => readFileSync(join(served.labDir, "lab.yaml"), "utf8");
    await expect.poll(labYaml, { timeout: 5_000 }).toMatch(/R1-HUB: \{ kind: router, config: R1-HUB\.cfg, position: \{ x: -?\d+, y: -?\d+ \} \}/);
    expect(labYaml()).toContain("# MPLS over FlexVPN, as in Cisco's configuration guide");
    const saved = /R1-HUB: .*position: \{ x: (-?\d+), y: (-?\d+) \}/.exec(labYaml())!;
    await page.reload();
    await page.locator(".router-node").nth(3).waitFor();
    // Vue Flow puts each node at its saved canvas position.
    const transform = await page.locator('.vue-flow__node[data-id="R1-HUB"]').evaluate((el) => (el as HTMLElement).style.transform);
    expect(transform).toBe(`translate(${saved[1]}px, ${saved[2]}px)`);
    await shot("01b-dragged");
  });

  it("adds a router and a link from the canvas, then removes them, editing lab.yaml", async () => {
    const labYaml = (): string => readFileSync(join(served.labDir, "lab.yaml"), "utf8");
    await page.click('[data-action="add-router"]');
    expect(await page.inputValue('[data-form="add-router"] input')).toBe("R1");
    await page.fill('[data-form="add-router"] input', "R5-Lab");
    await page.click('[data-form="add-router"] button[type="submit"]');
    await page.locator('.router-node[data-node="R5-Lab"]').waitFor({ timeout: 5_000 });
    expect(labYaml()).toContain("R5-Lab: { kind: router, config: R5-Lab.cfg }");
    expect(readFileSync(join(served.labDir, "R5-Lab.cfg"), "utf8")).toBe("hostname R5-Lab\n!\nend\n");

    await page.click('[data-action="add-link"]');
    await page.selectOption('[data-form="add-link"] [data-end="0"] select', "R5-Lab");
    await page.selectOption('[data-form="add-link"] [data-end="1"] select', "R1-HUB");
    expect(await page.inputValue('[data-form="add-link"] [data-end="1"] input')).toBe("Ethernet0/1");
    await page.click('[data-form="add-link"] button[type="submit"]');
    await expect.poll(() => page.locator(".vue-flow__edge-text").allTextContents()).toContain("Et0/0 — Et0/1");
    expect(labYaml()).toContain("- endpoints: [ R5-Lab:Ethernet0/0, R1-HUB:Ethernet0/1 ]");
    await shot("01c-added");

    // A typo'd interface: the lab file's own message, nothing written.
    await page.click('[data-action="add-link"]');
    await page.fill('[data-form="add-link"] [data-end="1"] input', "Ethernet0/0");
    await page.selectOption('[data-form="add-link"] [data-end="0"] select', "INET");
    await page.fill('[data-form="add-link"] [data-end="0"] input', "Ethernet0/0");
    const unchanged = labYaml();
    await page.click('[data-form="add-link"] button[type="submit"]');
    await expect.poll(() => page.locator(".error-bar").innerText().catch(() => "")).toMatch(/INET:Ethernet0\/0 is already used/);
    expect(labYaml()).toBe(unchanged);

    // The label is clicked through (force) to the edge under it until the edge is picked: under
    // load one click was seen not to pick it (CI rehearsal at 4d47f44).
    const edge = page.locator(".vue-flow__edge-text", { hasText: "Et0/0 — Et0/1" });
    await expect
      .poll(async () => {
        await edge.click({ force: true });
        return page.locator('[data-action="remove-link"]').count();
      }, { timeout: 10_000, interval: 250 })
      .toBe(1);
    await page.click('[data-action="remove-link"]');
    await expect.poll(() => page.locator(".vue-flow__edge-text").allTextContents()).not.toContain("Et0/0 — Et0/1");
    await page.click('.router-node[data-node="R5-Lab"]');
    await page.click('[data-panel="R5-Lab"] [data-action="node-remove"]');
    await expect.poll(() => page.locator(".router-node").count()).toBe(4);
    expect(labYaml()).not.toContain("R5-Lab");
    expect(await page.locator(".node-panel").count()).toBe(0);
  });

  it("starts the lab and shows every router running", async () => {
    await page.click('[data-action="lab-start"]');
    await page.locator('.router-node[data-state="booting"]').first().waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => document.querySelectorAll('.router-node[data-state="running"]').length === 4, null, { timeout: 90_000 });
    await page.locator('[data-action="lab-stop"]').waitFor();
    await shot("02-running");
  }, 120_000);

  it("opens R4-Spoke's console and runs show ip interface brief", async () => {
    await page.click('.router-node[data-node="R4-Spoke"]');
    await page.locator('[data-panel="R4-Spoke"]').waitFor();
    await expect.poll(() => consoleText(page, "R4-Spoke"), { timeout: 15_000 }).toMatch(/R4-Spoke>/);
    await page.click('[data-console="R4-Spoke"]');
    await page.keyboard.type("show ip interface brief\r");
    await expect.poll(() => consoleText(page, "R4-Spoke"), { timeout: 15_000 }).toMatch(/Ethernet0\/0\s+172\.16\.1\.104\s+YES NVRAM\s+up\s+up/);
    await shot("03-console");
  }, 40_000);

  it("flags a typo in the config editor with the router's own message", async () => {
    await page.click('[data-panel="R4-Spoke"] [data-tab="config"]');
    await expect.poll(() => editorText(page, "R4-Spoke"), { timeout: 20_000 }).toContain("hostname R4-Spoke");
    await page.locator('[data-panel="R4-Spoke"] .view-lines').click();
    await page.keyboard.press("Control+Home");
    await page.keyboard.type("ip adress 10.9.9.9\n");
    await page.locator('[data-panel="R4-Spoke"] .check.has-problems').waitFor({ timeout: 5_000 });
    await page.locator('[data-panel="R4-Spoke"] .squiggly-error').first().waitFor();
    await page.locator('[data-panel="R4-Spoke"] .squiggly-error').first().hover({ force: true });
    await expect.poll(() => page.locator(".monaco-hover").first().innerText().catch(() => ""), { timeout: 5_000 }).toContain("% Invalid input detected at '^' marker.");
    await shot("04-diagnostic");
    // Take the typo out again: the first line, selected with its newline.
    await page.keyboard.press("Control+Home");
    await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("Delete");
    await page.locator('[data-panel="R4-Spoke"] .check.clean').waitFor({ timeout: 5_000 });
  }, 40_000);

  it("applies a change, which the running config and the live interface table then show", async () => {
    // The interface table first, so its watch sees the change arrive.
    await page.click('[data-panel="R4-Spoke"] [data-tab="tables"]');
    const table = page.locator('[data-panel="R4-Spoke"] .data-table');
    await expect.poll(() => table.innerText(), { timeout: 10_000 }).toContain("Loopback100");
    expect(await table.innerText()).not.toContain("Loopback99");

    await page.click('[data-panel="R4-Spoke"] [data-tab="config"]');
    await page.locator('[data-panel="R4-Spoke"] .view-lines').click();
    await page.keyboard.press("Control+Home");
    await page.keyboard.type("interface Loopback99\n description added from the app\n ip address 10.99.99.99 255.255.255.255\n!\n");
    await expect.poll(() => editorText(page, "R4-Spoke")).toMatch(/^interface Loopback99\n description added from the app\n ip address 10\.99\.99\.99 255\.255\.255\.255\n!\nhostname R4-Spoke\n/);
    await page.locator('[data-panel="R4-Spoke"] .check.clean').waitFor({ timeout: 5_000 });
    await page.click('[data-panel="R4-Spoke"] .config-bar button.primary');
    const message = page.locator('[data-panel="R4-Spoke"] .config-message');
    await message.waitFor({ timeout: 15_000 });
    expect(await message.innerText()).toBe("Applied: this is now the running config.");
    await expect.poll(() => editorText(page, "R4-Spoke")).toContain("hostname R4-Spoke");
    await shot("05-applied");

    await page.click('[data-panel="R4-Spoke"] [data-tab="tables"]');
    await expect.poll(() => table.innerText(), { timeout: 10_000 }).toMatch(/Loopback99\s+10\.99\.99\.99/);
    await page.fill('[data-panel="R4-Spoke"] .filter', "Loopback");
    await expect.poll(() => table.locator("tbody tr").count()).toBe(3);
    await shot("06-table");

    await page.click('[data-panel="R4-Spoke"] [data-tab="console"]');
    await page.click('[data-console="R4-Spoke"]');
    await page.keyboard.type("enable\r");
    await page.keyboard.type("show running-config | section Loopback99\r");
    await expect.poll(() => consoleText(page, "R4-Spoke"), { timeout: 15_000 }).toMatch(/interface Loopback99\s+description added from the app\s+ip address 10\.99\.99\.99 255\.255\.255\.255/);
    await shot("07-running-config");
    expect(errors).toEqual([]);
  }, 60_000);

  it("shows the deploy steps and the routers' log messages in the event panel, filtered by router and text", async () => {
    await page.click('[data-action="events"]');
    const rows = page.locator("[data-events] .event-row");
    await page.selectOption("[data-events] .event-source", "R1-HUB");
    await expect.poll(() => rows.allInnerTexts(), { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/R1-HUB\s+deploy: ready/), expect.stringMatching(/R1-HUB\s+booting → running/)]));
    expect((await rows.allInnerTexts()).every((t) => t.includes("R1-HUB"))).toBe(true);
    await page.selectOption("[data-events] .event-source", "");
    await page.fill("[data-events] .event-filter", "Loopback99");
    await expect.poll(() => rows.allInnerTexts(), { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/R4-Spoke\s+%LINEPROTO-5-UPDOWN: Line protocol on Interface Loopback99, changed state to up/)]));
    await shot("07a-events");
    await page.click("[data-events] button[title=Close]");
  }, 30_000);

  it("keeps unsaved config edits across a reload of the page", async () => {
    await page.click('[data-panel="R4-Spoke"] [data-tab="config"]');
    await expect.poll(() => editorText(page, "R4-Spoke"), { timeout: 10_000 }).toContain("hostname R4-Spoke");
    await page.locator('[data-panel="R4-Spoke"] .view-lines').click();
    await page.keyboard.press("Control+Home");
    await page.keyboard.type("! a draft, not applied\n");
    await page.locator('[data-panel="R4-Spoke"] .dirty').waitFor();
    await page.reload();
    await page.click('.router-node[data-node="R4-Spoke"]');
    await page.click('[data-panel="R4-Spoke"] [data-tab="config"]');
    await expect.poll(() => editorText(page, "R4-Spoke"), { timeout: 20_000 }).toMatch(/^! a draft, not applied\nhostname R4-Spoke/);
    expect(await page.locator('[data-panel="R4-Spoke"] .config-message').innerText()).toBe("Unsaved edits restored. Reload discards them.");
    // Reload (the editor's) discards the draft: the running config again.
    await page.click('[data-panel="R4-Spoke"] .config-bar button:has-text("Reload")');
    await expect.poll(() => editorText(page, "R4-Spoke"), { timeout: 10_000 }).toMatch(/^hostname R4-Spoke/);
    expect(await page.locator('[data-panel="R4-Spoke"] .config-message').count()).toBe(0);
  }, 60_000);

  it("compares the running config with the startup-config, and the edits with the running config, in a diff view", async () => {
    const panel = page.locator('[data-panel="R4-Spoke"]');
    await panel.locator('[data-action="compare"]').selectOption("unsaved");
    const diff = panel.locator('[data-diff="unsaved"] .monaco-diff-editor');
    await diff.waitFor({ timeout: 10_000 });
    // Loopback99 was applied but not saved: the running side has it, as inserted lines
    // (the panel is narrow, so the diff is inline, unchanged stretches folded).
    await expect.poll(() => diff.locator(".editor.modified .view-lines").innerText(), { timeout: 10_000 }).toMatch(/interface\sLoopback99\n\sdescription\sadded\sfrom\sthe\sapp/);
    await expect.poll(() => diff.locator(".line-insert").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => panel.locator("[data-diff-summary]").innerText()).toMatch(/^\d+ changes?$/);
    await shot("07c-diff-running-startup");

    await panel.locator('[data-action="compare"]').selectOption("edits");
    const edits = panel.locator('[data-diff="edits"] .monaco-diff-editor');
    await edits.waitFor();
    await expect.poll(() => panel.locator("[data-diff-summary]").innerText(), { timeout: 10_000 }).toBe("No differences");
    await edits.locator(".editor.modified .view-lines").click();
    await page.keyboard.press("Control+Home");
    await page.keyboard.type("! compare me\n");
    await expect.poll(() => panel.locator("[data-diff-summary]").innerText(), { timeout: 10_000 }).toBe("1 change");
    await shot("07d-diff-edits");
    await panel.locator('[data-action="compare"]').selectOption("");
    // The edit made in the diff view is the editor's: it is there, and Reload discards it.
    await expect.poll(() => editorText(page, "R4-Spoke")).toMatch(/^! compare me\n/);
    await panel.locator('.config-bar button:has-text("Reload")').click();
    await expect.poll(() => editorText(page, "R4-Spoke"), { timeout: 10_000 }).toMatch(/^hostname R4-Spoke/);
  }, 40_000);

  it("traces the label path of a VRF prefix from R4-Spoke to R3-Spoke1's LAN and draws it on the canvas", async () => {
    await page.click('[data-panel="R4-Spoke"] button[title=Close]');
    await page.click('[data-action="label-path"]');
    const form = page.locator('[data-form="label-path"]');
    await form.locator("select").selectOption("R4-Spoke");
    await form.locator(".path-vrf").fill("cust1");
    await form.locator(".path-prefix").fill("192.168.113.0/24");
    const hops = page.locator("[data-label-path] li[data-hop-node]");
    // BGP may still be converging: trace until the path reaches R3-Spoke1.
    await expect
      .poll(
        async () => {
          await form.locator('button[type="submit"]').click();
          await page.waitForTimeout(300);
          return hops.evaluateAll((els) => els.map((e) => e.getAttribute("data-hop-node")));
        },
        { timeout: 30_000, interval: 500 },
      )
      .toEqual(expect.arrayContaining(["R4-Spoke", "R1-HUB", "R3-Spoke1"]));
    const first = await hops.first().innerText();
    expect(first).toMatch(/^R4-Spoke push/);
    expect(await hops.last().getAttribute("data-hop-node")).toBe("R3-Spoke1");
    expect(await page.locator("[data-label-path] .path-problem").count()).toBe(0);
    expect(await page.locator(".vue-flow__edge.label-path").count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.router-node[data-node="R4-Spoke"] .hop-badge').innerText()).toMatch(/^push \d+/);
    await shot("07e-label-path");
    await page.click('[data-form="label-path"] button:has-text("Clear")');
    expect(await page.locator(".vue-flow__edge.label-path").count()).toBe(0);
    await page.click('[data-action="label-path"]');
  }, 60_000);

  it("captures a link end from the canvas: packets listed live, decoded, and the pcapng file to download", async () => {
    await page.locator(".vue-flow__edge-text", { hasText: "Et0/0 — Et0/0" }).click({ force: true });
    await page.click('[data-capture-end="R1-HUB:Ethernet0/0"]');
    await page.locator('[data-capture="running"]').waitFor({ timeout: 10_000 });
    // Traffic across the hub's outside interface: R4-Spoke pings it (through INET).
    const read = await readState(served.labDir);
    if (!read.ok) throw new Error(read.message);
    const r4 = read.state.nodes.find((n) => n.name === "R4-Spoke")!;
    const mgmt = await connectMgmt({ port: r4.mgmtPort, token: read.state.token });
    if (!mgmt.ok) throw new Error(mgmt.message);
    const ping = await mgmt.client.exec("ping 172.16.0.1 repeat 5");
    mgmt.client.close();
    expect(ping.ok && ping.result.output).toMatch(/Success rate is 100 percent \(5\/5\)/);
    const rows = page.locator(".capture-panel .packet-row");
    await expect.poll(() => rows.allInnerTexts(), { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/Ethernet \/ IPv4 \/ ICMP echo$/), expect.stringMatching(/Ethernet \/ IPv4 \/ ICMP echo reply$/)]));
    await shot("07f-capture");
    await page.click('[data-action="capture-stop"]');
    const download = page.locator('[data-action="capture-download"]');
    await download.waitFor({ timeout: 10_000 });
    const href = await download.getAttribute("href");
    const fetched = await page.evaluate(`fetch(${JSON.stringify(href)}).then(async (r) => [r.status, (await r.arrayBuffer()).byteLength])`);
    expect((fetched as number[])[0]).toBe(200);
    const files = readdirSync(join(served.labDir, "captures"));
    expect(files).toHaveLength(1);
    expect((fetched as number[])[1]).toBe(readFileSync(join(served.labDir, "captures", files[0])).length);
    const decoded = await decodeCaptureFile(join(served.labDir, "captures", files[0]));
    expect(decoded.ok && decoded.records.length).toBeGreaterThanOrEqual(10);
    await page.click(".capture-panel button[title=Close]");
  }, 60_000);

  it("saves the lab: every running router's config becomes its startup-config in the lab folder", async () => {
    expect(readFileSync(join(served.labDir, "R4-Spoke.cfg"), "utf8")).not.toContain("Loopback99");
    await page.click('[data-action="lab-save"]');
    await expect.poll(() => page.locator(".notice-bar").innerText().catch(() => ""), { timeout: 15_000 }).toBe("Saved the running config of R1-HUB, INET, R3-Spoke1, R4-Spoke as startup-config.");
    expect(readFileSync(join(served.labDir, "R4-Spoke.cfg"), "utf8")).toMatch(/interface Loopback99\n description added from the app/);
    await shot("07b-saved");
  }, 30_000);

  it("stops and starts one router from its panel, and then the whole lab", async () => {
    await page.click('.router-node[data-node="R3-Spoke1"]');
    const panel = page.locator('[data-panel="R3-Spoke1"]');
    await panel.locator('[data-action="node-stop"]').click();
    await page.locator('.router-node[data-node="R3-Spoke1"][data-state="stopped"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.router-node[data-state="running"]').count()).toBe(3);
    await shot("08-node-stopped");
    await panel.locator('[data-action="node-start"]').click();
    await page.locator('.router-node[data-node="R3-Spoke1"][data-state="running"]').waitFor({ timeout: 30_000 });
    await page.click('[data-action="lab-stop"]');
    await page.waitForFunction(() => document.querySelectorAll('.router-node[data-state="stopped"]').length === 4, null, { timeout: 30_000 });
    await page.locator('[data-action="lab-start"]').waitFor();
    await shot("09-lab-stopped");
  }, 80_000);

  it("makes a new lab from a template, opens it, and opens the first one again", async () => {
    await page.click('[data-action="labs"]');
    await page.locator('.lab-entry[data-lab="mpls-over-flexvpn"]').waitFor();
    expect(await page.locator('.lab-entry[data-lab="mpls-over-flexvpn"]').innerText()).toMatch(/4 routers · open/);
    await page.fill('[data-form="new-lab"] input', "scratch-two");
    await page.selectOption('[data-form="new-lab"] select', "two-routers");
    await shot("10-labs-menu");
    await page.click('[data-form="new-lab"] button[type="submit"]');
    await expect.poll(() => page.locator(".lab-name").innerText(), { timeout: 10_000 }).toBe("scratch-two");
    await expect.poll(() => page.locator(".router-node").count()).toBe(2);
    expect(readFileSync(join(served.labDir, "..", "scratch-two", "lab.yaml"), "utf8")).toMatch(/^name: scratch-two$/m);
    await shot("11-new-lab");
    await page.click('[data-action="labs"]');
    await page.click('.lab-entry[data-lab="mpls-over-flexvpn"]');
    await expect.poll(() => page.locator(".lab-name").innerText(), { timeout: 10_000 }).toBe("mpls-over-flexvpn");
    await expect.poll(() => page.locator(".router-node").count()).toBe(4);
    expect(errors).toEqual([]);
  }, 40_000);
});
