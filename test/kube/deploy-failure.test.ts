// A deploy that cannot finish takes down exactly what it made: the kubernetes runtime against
// recorded answers in which the router's image cannot be pulled (ErrImagePull). The runtime
// deletes its Pod, ConfigMap and Secret again, stops its port-forwarder and leaves no state
// file, and the error says why.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLab } from "../../core/lab/topology";
import { KubernetesRuntime } from "../../core/lab/runtime/kubernetes";
import { configMapName, podName, secretName } from "../../core/lab/runtime/kubernetes-plan";
import { startFakeApiServer, type Exchange, type FakeApiServer } from "./fake-api-server";

const TOKEN = "deploy-failure-token";
const NS = "class-7";
const P = `/api/v1/namespaces/${NS}`;
const SEL = { labelSelector: "flexlab.lab=solo" };
const dir = mkdtempSync(join(tmpdir(), "flexlab-kube-fail-"));
const labDir = join(dir, "solo");
let server: FakeApiServer;
const saved = process.env.KUBECONFIG;

/** Processes whose command line names `text` (Linux /proc). */
function processesNaming(text: string): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, "utf8").includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const pod = podName("solo", "R1");
const cm = configMapName("solo", "R1");
const secret = secretName("solo");
const meta = (name: string) => ({ name, namespace: NS, labels: { "flexlab.lab": "solo" }, annotations: { "flexlab.dir": labDir } });
const empty = (kind: string) => ({ status: 200, body: { kind, apiVersion: "v1", metadata: { resourceVersion: "10" }, items: [] } });
const deleted = (name: string, kind: string) => ({ status: 200, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name, kind } } });
const stuck = {
  kind: "Pod",
  apiVersion: "v1",
  metadata: { ...meta(pod), resourceVersion: "12" },
  status: { phase: "Pending", containerStatuses: [{ name: "router", ready: false, restartCount: 0, image: "registry.test/flexlab/router:0.1.0", imageID: "", state: { waiting: { reason: "ErrImagePull", message: "rpc error: code = NotFound desc = failed to pull and unpack image: not found" } } }] },
};

const conversation: Exchange[] = [
  { request: { method: "GET", path: `${P}/pods`, query: SEL }, response: empty("PodList") },
  { request: { method: "GET", path: `${P}/configmaps`, query: SEL }, response: empty("ConfigMapList") },
  { request: { method: "GET", path: `${P}/secrets`, query: SEL }, response: empty("SecretList") },
  { request: { method: "POST", path: `${P}/secrets`, body: { kind: "Secret", metadata: { name: secret } } }, response: { status: 201, body: { kind: "Secret", apiVersion: "v1", metadata: meta(secret) } } },
  { request: { method: "POST", path: `${P}/configmaps`, body: { kind: "ConfigMap", metadata: { name: cm }, data: { "R1.cfg": "hostname R1\n!\nend\n" } } }, response: { status: 201, body: { kind: "ConfigMap", apiVersion: "v1", metadata: meta(cm) } } },
  { request: { method: "POST", path: `${P}/pods`, body: { kind: "Pod", metadata: { name: pod } } }, response: { status: 201, body: { ...stuck, status: { phase: "Pending" } } } },
  { request: { method: "GET", path: `${P}/pods`, query: SEL }, response: { status: 200, body: { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "12" }, items: [stuck] } } },
  // Taking down what it made.
  { request: { method: "GET", path: `${P}/pods`, query: SEL }, response: { status: 200, body: { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "13" }, items: [stuck] } } },
  { request: { method: "GET", path: `${P}/configmaps`, query: SEL }, response: { status: 200, body: { kind: "ConfigMapList", apiVersion: "v1", metadata: { resourceVersion: "13" }, items: [{ metadata: meta(cm) }] } } },
  { request: { method: "GET", path: `${P}/secrets`, query: SEL }, response: { status: 200, body: { kind: "SecretList", apiVersion: "v1", metadata: { resourceVersion: "13" }, items: [{ metadata: meta(secret) }] } } },
  { request: { method: "DELETE", path: `${P}/pods/${pod}`, query: { gracePeriodSeconds: "3" } }, response: { status: 200, body: stuck } },
  { request: { method: "DELETE", path: `${P}/configmaps/${cm}` }, response: deleted(cm, "configmaps") },
  { request: { method: "DELETE", path: `${P}/secrets/${secret}` }, response: deleted(secret, "secrets") },
];

beforeAll(async () => {
  server = await startFakeApiServer({ token: TOKEN, conversation });
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, `current-context: c\nclusters: [{ name: k, cluster: { server: "${server.url}" } }]\nusers: [{ name: u, user: { token: ${TOKEN} } }]\ncontexts: [{ name: c, context: { cluster: k, user: u, namespace: ${NS} } }]\n`);
  process.env.KUBECONFIG = kubeconfig;
  rmSync(labDir, { recursive: true, force: true });
  mkdirSync(labDir);
  writeFileSync(join(labDir, "lab.yaml"), "name: solo\nnodes:\n  R1: { kind: router, config: R1.cfg }\n");
  writeFileSync(join(labDir, "R1.cfg"), "hostname R1\n!\nend\n");
});

afterAll(async () => {
  if (saved === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = saved;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a kubernetes deploy that fails", () => {
  it("reports the Pod's reason and deletes exactly what it made, leaving no state", async () => {
    const steps: string[] = [];
    const runtime = new KubernetesRuntime({ image: "registry.test/flexlab/router:0.1.0" });
    const failed = await runtime.deploy(await loadLab(labDir), { onProgress: (node, step, detail) => steps.push(`${node} ${step}${detail ? ` ${detail}` : ""}`), timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "node-failed", message: expect.stringContaining("R1: ErrImagePull: rpc error") });
    expect(steps).toEqual(["R1 network", "R1 starting", expect.stringMatching(/^R1 failed ErrImagePull/)]);
    expect(existsSync(join(labDir, ".flexlab/state.json"))).toBe(false);
    expect(processesNaming(labDir)).toEqual([]); // its port-forwarder is gone too
    expect(server.unexpected).toEqual([]);
    expect(server.unused()).toEqual([]);
  }, 40_000);
});
