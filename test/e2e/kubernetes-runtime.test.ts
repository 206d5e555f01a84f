// `flexlab up / status / exec / down --runtime kubernetes` as a user runs them, against a fake
// API server on 127.0.0.1 replaying a recorded conversation (test/kube/recorded/two-routers.json:
// the lab's object listings, a leftover Pod still terminating, a 409 AlreadyExists for its
// name, the creates, a watch Pending→Running with the Pod IPs, the deletes with a 404) —
// no cluster can run where FlexLab is developed. Any request the recording does not hold
// fails the test, as does an exchange left unused.
//
// Where it stops being Kubernetes: no Pod runs. A stand-in kubelet in this test starts the
// real agent with the exact arguments of the Pod's router container (taking the ConfigMap's
// startup-config and the Secret's token from the recorded creates), on the Pod IP the
// recording gives (127.0.0.2, 127.0.0.3) for its tunnel port and on free ports for the
// console and mgmt API, and the fake API server's port-forward dials those. So everything
// FlexLab does past the API — the port-forwarder, `link.peers` over the mgmt API, the UDP
// tunnel between the Pod IPs, exec — runs for real; the image, the init container, the
// scheduler, the CNI and the kubelet's port-forward do not.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";
import { startFakeApiServer, type Exchange, type FakeApiServer } from "../kube/fake-api-server";
import { makeTestTls } from "../kube/tls";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/flexlab.mjs");
const TOKEN = "cluster-admin-token-recorded";
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const IMAGE = `registry.test/flexlab/router:${VERSION}`;

interface Recording {
  /** Each Pod's address, one per time it is made. */
  pods: Record<string, { name: string; ips: string[]; configMap: string }>;
  conversation: (Exchange & { comment: string; step: string })[];
}

const scratch = mkdtempSync(join(tmpdir(), "flexlab-kube-e2e-"));
const labDir = join(scratch, "lab");
let server: FakeApiServer;
let env: NodeJS.ProcessEnv;

// --- the stand-in kubelet -----------------------------------------------------------------

interface RunningPod {
  readonly child: ChildProcess;
  console?: number;
  mgmt?: number;
  log: string;
}
const running = new Map<string, RunningPod>();
let labToken = "";
const configs = new Map<string, { file: string; text: string }>();

type PodBody = { metadata: { name: string }; spec: { containers: { args: string[] }[]; volumes: { name: string; configMap?: { name: string } }[] } };

async function runPod(body: PodBody, ip: string): Promise<void> {
  const name = body.metadata.name;
  const dir = join(scratch, "pods", name);
  await mkdir(dir, { recursive: true });
  // The init container's work: the ConfigMap's startup-config into the Pod's /lab.
  const seed = configs.get(body.spec.volumes.find((v) => v.name === "seed")?.configMap?.name ?? "");
  if (seed) await writeFile(join(dir, seed.file), seed.text);
  const args = body.spec.containers[0].args.map((a, i, all) => {
    if (all[i - 1] === "--dir") return dir;
    if (all[i - 1] === "--console-port" || all[i - 1] === "--mgmt-port") return "0"; // two Pods, one loopback
    return a.replace(/=tunnel:(\d+)$/, `=tunnel:${ip}:$1`); // the Pod's own address
  });
  const child = spawn(process.execPath, ["--import", "tsx", "core/router/agent/main.ts", ...args], { cwd: ROOT, env: { ...process.env, FLEXLAB_TOKEN: labToken }, stdio: ["ignore", "pipe", "pipe"] });
  const pod: RunningPod = { child, log: "" };
  running.set(name, pod);
  child.stdout?.on("data", (d: Buffer) => {
    pod.log += d.toString();
    const m = /flexlab-agent ready name=\S+ console=(\d+) mgmt=(\d+)/.exec(pod.log);
    if (m) {
      pod.console = Number(m[1]);
      pod.mgmt = Number(m[2]);
    }
  });
  child.stderr?.on("data", (d: Buffer) => (pod.log += d.toString()));
}

function stopPod(name: string): void {
  running.get(name)?.child.kill("SIGTERM");
  running.delete(name);
}

function conversation(recording: Recording, dir: string): Exchange[] {
  const fill = (text: string): string => text.replaceAll("{{labDir}}", dir).replaceAll("{{version}}", VERSION).replaceAll("{{image}}", IMAGE);
  const exchanges = JSON.parse(fill(JSON.stringify(recording.conversation))) as Recording["conversation"];
  const ips = new Map(Object.values(recording.pods).map((p) => [p.name, [...p.ips]]));
  const ipOf = (pod: string): string => ips.get(pod)?.shift() ?? "127.0.0.9";
  return exchanges.map((e): Exchange => {
    const { method, path } = e.request;
    const created = e.response.status === 201;
    if (method === "POST" && path.endsWith("/secrets") && created) {
      return { ...e, onUse: (b) => (labToken = Buffer.from((b as { data: { token: string } }).data.token, "base64").toString()) };
    }
    if (method === "POST" && path.endsWith("/configmaps") && created) {
      return {
        ...e,
        onUse: (b) => {
          const cm = b as { metadata: { name: string }; data: Record<string, string> };
          const [file, text] = Object.entries(cm.data)[0];
          configs.set(cm.metadata.name, { file, text });
        },
      };
    }
    if (method === "POST" && path.endsWith("/pods") && created) {
      return { ...e, onUse: (b) => void runPod(b as PodBody, ipOf((b as PodBody).metadata.name)) };
    }
    if (method === "DELETE" && path.includes("/pods/")) return { ...e, onUse: () => stopPod(decodeURIComponent(path.split("/").pop() ?? "")) };
    return e;
  });
}

function flexlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: labDir, env, timeout: 120_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  await copyExampleLab("two-routers", labDir);
  const dir = realpathSync(labDir);
  const recording = JSON.parse(readFileSync(join(ROOT, "test/kube/recorded/two-routers.json"), "utf8")) as Recording;
  const tls = makeTestTls();
  server = await startFakeApiServer({
    ...(tls ? { tls: { key: tls.key, cert: tls.cert } } : {}),
    token: TOKEN,
    conversation: conversation(recording, dir),
    portForward: (pod, port) => {
      const p = running.get(pod);
      return port === 2323 ? p?.console : port === 2324 ? p?.mgmt : undefined;
    },
  });
  const kubeconfig = join(scratch, "kubeconfig");
  writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "current-context: test",
      "clusters:",
      `- name: fake\n  cluster:\n    server: ${server.url}${tls ? `\n    certificate-authority-data: ${Buffer.from(tls.ca).toString("base64")}` : ""}`,
      `users:\n- name: admin\n  user:\n    token: ${TOKEN}`,
      "contexts:\n- name: test\n  context: { cluster: fake, user: admin, namespace: labs }",
      "",
    ].join("\n"),
  );
  env = { ...process.env, KUBECONFIG: kubeconfig, FLEXLAB_KUBE_REGISTRY: "registry.test", FLEXLAB_FROM_SOURCE: "" };
});

afterAll(async () => {
  if (existsSync(join(labDir, ".flexlab/state.json"))) await flexlab("down");
  for (const name of [...running.keys()]) stopPod(name);
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
}, 60_000);

describe("flexlab on the kubernetes runtime, against recorded API answers", () => {
  it("up: replaces the terminating leftover, creates the Secret, ConfigMaps and Pods, waits for Running, links the tunnels", async () => {
    const up = await flexlab("up", ".", "--runtime", "kubernetes", "--timeout", "90s", "--json");
    expect(up.code, `${up.stderr}\nunexpected: ${server.unexpected.join("\n")}`).toBe(0);
    const result = JSON.parse(up.stdout) as { runtime: string; nodes: { name: string; state: string }[] };
    expect(result.runtime).toBe("kubernetes");
    expect(result.nodes.map((n) => [n.name, n.state])).toEqual([
      ["R1", "running"],
      ["R2", "running"],
    ]);
    const state = JSON.parse(readFileSync(join(labDir, ".flexlab/state.json"), "utf8")) as { kubernetes: { namespace: string; image: string; pods: Record<string, { ip: string }> } };
    expect(state.kubernetes).toMatchObject({ namespace: "labs", image: IMAGE, pods: { R1: { ip: "127.0.0.2" }, R2: { ip: "127.0.0.3" } } });
    expect(server.unexpected).toEqual([]);
  }, 120_000);

  it("status: the Pods' state through the API; exec, tables and capture through the port-forward, a ping across the UDP tunnel between the Pod IPs", async () => {
    const status = await flexlab("status", "--json");
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { nodes: { name: string; state: string }[] }).nodes.map((n) => n.state)).toEqual(["running", "running"]);
    const ping = await flexlab("exec", "R1", "ping 10.0.12.2 repeat 3");
    expect(ping.code, ping.stderr).toBe(0);
    expect(ping.stdout).toContain("Success rate is 100 percent (3/3)");
    expect(server.portForwards.filter((p) => p.endsWith(":2324")).length).toBeGreaterThanOrEqual(3); // link.peers on both, then exec
    const tables = await flexlab("tables", "R1", "interfaces", "--json");
    expect(tables.code, tables.stderr).toBe(0);
    expect(JSON.parse(tables.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ interface: "Ethernet0/0", protocol: "up" })]));
    // A capture streams over its own port-forward while a ping crosses the tunnel.
    const pcap = join(scratch, "r1.pcapng");
    const capture = flexlab("capture", "R1", "Ethernet0/0", "-w", pcap, "--count", "4");
    await new Promise((r) => setTimeout(r, 3000));
    await flexlab("exec", "R1", "ping 10.0.12.2 repeat 5");
    expect((await capture).code).toBe(0);
    expect(readFileSync(pcap).readUInt32LE(0)).toBe(0x0a0d0d0a); // a pcapng section header block
    expect(server.unexpected).toEqual([]);
  }, 90_000);

  it("console: the telnet console through the port-forward", async () => {
    const state = JSON.parse(readFileSync(join(labDir, ".flexlab/state.json"), "utf8")) as { nodes: { name: string; consolePort: number }[] };
    const port = state.nodes.find((n) => n.name === "R2")!.consolePort;
    const seen = await new Promise<string>((resolve, reject) => {
      let text = "";
      const socket = connect(port, "127.0.0.1", () => socket.write("\r\n"));
      socket.on("data", (d: Buffer) => {
        text += d.toString("latin1");
        if (/R2>/.test(text)) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on("error", reject);
      setTimeout(() => reject(new Error(`no prompt; got ${JSON.stringify(text)}`)), 10_000);
    });
    expect(seen).toMatch(/R2>/);
  }, 20_000);

  it("stop and start: R2's Pod is deleted and made anew at a new Pod IP; R1 learns it, and the ping still goes through", async () => {
    const stop = await flexlab("stop", "R2");
    expect(stop.code, `${stop.stderr}\nunexpected: ${server.unexpected.join("\n")}`).toBe(0);
    const start = await flexlab("start", "R2");
    expect(start.code, `${start.stderr}\nunexpected: ${server.unexpected.join("\n")}`).toBe(0);
    const state = JSON.parse(readFileSync(join(labDir, ".flexlab/state.json"), "utf8")) as { kubernetes: { pods: Record<string, { ip: string }> } };
    expect(state.kubernetes.pods.R2.ip).toBe("127.0.0.4");
    const ping = await flexlab("exec", "R1", "ping 10.0.12.2 repeat 3");
    expect(ping.stdout).toContain("Success rate is 100 percent (3/3)");
    expect(server.unexpected).toEqual([]);
  }, 90_000);

  it("down: deletes exactly the lab's Pods, ConfigMaps and Secret (a Pod already gone is fine), and stops the forwarder", async () => {
    const state = JSON.parse(readFileSync(join(labDir, ".flexlab/state.json"), "utf8")) as { kubernetes: { forwarder: { pid: number } } };
    const down = await flexlab("down");
    expect(down.code, down.stderr).toBe(0);
    expect(existsSync(join(labDir, ".flexlab/state.json"))).toBe(false);
    expect(() => process.kill(state.kubernetes.forwarder.pid, 0)).toThrow();
    expect(server.unexpected).toEqual([]);
    expect(server.unused()).toEqual([]);
  }, 60_000);
});
