// The app in a browser (Debian's chromium, playwright-core) against `flexlab serve`, process
// runtime: how long from pressing Start until the canvas shows all four seed routers running;
// how long from a router change to its row on screen in the live table; and the canvas's frame
// rate while a router is dragged around a 200-router topology.
import { writeFile, mkdtemp, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { connectMgmt } from "../../core/lab/mgmt-client";
import { readState } from "../../core/lab/runtime/state";
import type { Benchmark, Figure } from "./bench";
import { browserMissing, launchChromium, openApp, serveExampleLab, serveLab } from "../support/web-ui";

function requireBrowser(): void {
  const missing = browserMissing();
  if (missing) throw new Error(missing);
}

// In-page code goes as source text: tsx wraps functions compiled here in a helper the page
// does not have.

/** Clicks Start in the page and resolves, in the page's own clock, when four routers show running. */
function startToRunningMs(page: Page): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const t0 = performance.now();
    document.querySelector('[data-action="lab-start"]').click();
    const check = () => document.querySelectorAll('.router-node[data-state="running"]').length === 4 ? resolve(performance.now() - t0) : requestAnimationFrame(check);
    check();
  })`);
}

/** Epoch milliseconds (the page's clock) at which a table row containing `text` is on screen. */
function rowShownAtMs(page: Page, text: string): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const needle = ${JSON.stringify(text)};
    const check = () => Array.from(document.querySelectorAll(".data-table tbody tr")).some((tr) => tr.textContent.includes(needle)) ? resolve(performance.timeOrigin + performance.now()) : requestAnimationFrame(check);
    check();
  })`);
}

/** A lab of `n` routers in a ring of point-to-point links, never deployed: only drawn. */
async function writeRingLab(dir: string, n: number): Promise<void> {
  const nodes: string[] = [];
  const links: string[] = [];
  for (let k = 1; k <= n; k++) {
    nodes.push(`  R${k}: { kind: router, config: R${k}.cfg }`);
    await writeFile(join(dir, `R${k}.cfg`), `hostname R${k}\n!\nend\n`);
    links.push(`  - endpoints: [R${k}:Ethernet0/1, R${(k % n) + 1}:Ethernet0/0]`);
  }
  await writeFile(join(dir, "lab.yaml"), `name: ring-${n}\nruntime: process\nnodes:\n${nodes.join("\n")}\nlinks:\n${links.join("\n")}\n`);
}

const benchmarks: Benchmark[] = [
  {
    name: "ui.lab-start-to-running",
    async run(): Promise<Figure[]> {
      requireBrowser();
      const served = await serveExampleLab("mpls-over-flexvpn");
      const browser = await launchChromium();
      try {
        const { page } = await openApp(browser, served.url);
        await page.locator(".router-node").nth(3).waitFor();
        const startMs = await startToRunningMs(page);

        // Table latency: R4-Spoke's interface table open; each round adds a loopback through
        // the mgmt API (as any client would) and times from the router's answer to the row.
        await page.click('.router-node[data-node="R4-Spoke"]');
        await page.click('[data-panel="R4-Spoke"] [data-tab="tables"]');
        await page.locator('[data-panel="R4-Spoke"] .data-table tbody tr').first().waitFor();
        const read = await readState(served.labDir);
        if (!read.ok) throw new Error(read.message);
        const node = read.state.nodes.find((n) => n.name === "R4-Spoke")!;
        const mgmt = await connectMgmt({ port: node.mgmtPort, token: read.state.token });
        if (!mgmt.ok) throw new Error(mgmt.message);
        const latencies: number[] = [];
        for (let i = 0; i < 10; i++) {
          const name = `Loopback${200 + i}`;
          const shown = rowShownAtMs(page, name);
          const reply = await mgmt.client.call("config.apply", { text: `interface ${name}\n ip address 10.200.${i}.1 255.255.255.255\n`, mode: "merge" });
          const changedAt = Date.now();
          if (!reply.ok) throw new Error(reply.error.message);
          latencies.push((await shown) - changedAt);
        }
        mgmt.client.close();
        latencies.sort((a, b) => a - b);
        return [
          { name: "ui.lab-start-to-running", value: startMs, unit: "ms" },
          { name: "ui.table-latency", value: latencies[Math.floor(latencies.length / 2)], unit: "ms" },
          { name: "ui.table-latency.max", value: latencies[latencies.length - 1], unit: "ms" },
        ];
      } finally {
        await browser.close();
        await served.close();
      }
    },
  },
  {
    name: "ui.canvas-200-nodes.fps",
    async run(): Promise<Figure[]> {
      requireBrowser();
      const scratch = await mkdtemp(join(tmpdir(), "flexlab-ui-bench-"));
      const labDir = join(scratch, "ring-200");
      await mkdir(labDir);
      await writeRingLab(labDir, 200);
      const served = await serveLab(labDir, scratch);
      const browser = await launchChromium();
      try {
        const { page } = await openApp(browser, served.url);
        await page.waitForFunction(() => document.querySelectorAll(".router-node").length === 200, null, { timeout: 30_000 });
        // The router nearest the canvas's middle.
        const name = await page.evaluate<string>(`(() => {
          const area = document.querySelector(".canvas-area").getBoundingClientRect();
          const cx = area.left + area.width / 2, cy = area.top + area.height / 2;
          const distance = (el) => { const r = el.getBoundingClientRect(); return Math.hypot(r.left + r.width / 2 - cx, r.top + r.height / 2 - cy); };
          return Array.from(document.querySelectorAll(".router-node")).sort((a, b) => distance(a) - distance(b))[0].dataset.node;
        })()`);
        const card = page.locator(`.router-node[data-node="${name}"]`);
        const box = (await card.boundingBox())!;
        await page.evaluate(`window.framesSeen = []; const tick = (t) => { window.framesSeen.push(t); requestAnimationFrame(tick); }; requestAnimationFrame(tick);`);
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.down();
        const started = await page.evaluate<number>("performance.now()");
        // Two seconds of dragging in a circle, a move per 16 ms as a hand would.
        let moved = box;
        for (let i = 0; i < 125; i++) {
          const a = (i / 125) * 2 * Math.PI;
          await page.mouse.move(box.x + 120 + 120 * Math.cos(a), box.y + 120 * Math.sin(a));
          await page.waitForTimeout(16);
          if (i === 31) moved = (await card.boundingBox())!; // a quarter of the way round
        }
        await page.mouse.up();
        if (Math.abs(moved.x - box.x) + Math.abs(moved.y - box.y) < 50) throw new Error(`the drag did not move the router ${name}: ${JSON.stringify([box, moved])}`);
        const frames = await page.evaluate<number[]>(`window.framesSeen.filter((t) => t >= ${started})`);
        const seconds = (frames[frames.length - 1] - frames[0]) / 1000;
        let worst = 0;
        for (let i = 1; i < frames.length; i++) worst = Math.max(worst, frames[i] - frames[i - 1]);
        return [
          { name: "ui.canvas-200-nodes.fps", value: (frames.length - 1) / seconds, unit: "frames/s" },
          { name: "ui.canvas-200-nodes.worst-frame", value: worst, unit: "ms" },
        ];
      } finally {
        await browser.close();
        await served.close();
      }
    },
  },
];

export default benchmarks;
