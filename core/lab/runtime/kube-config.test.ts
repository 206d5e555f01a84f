import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadKubeTarget } from "./kube-config";

const dir = mkdtempSync(join(tmpdir(), "flexlab-kubeconfig-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const b64 = (s: string): string => Buffer.from(s).toString("base64");

const first = file(
  "a/config",
  `apiVersion: v1
kind: Config
current-context: lab
clusters:
- name: lab-cluster
  cluster:
    server: https://10.1.2.3:6443/
    certificate-authority-data: ${b64("CA-PEM")}
users:
- name: alice
  user:
    client-certificate: alice.crt
    client-key: /abs/never-read.key
- name: bot
  user:
    tokenFile: bot.token
contexts:
- name: lab
  context: { cluster: lab-cluster, user: bot, namespace: labs }
- name: admin
  context: { cluster: lab-cluster, user: alice }
`,
);
file("a/bot.token", "sa-token-123\n");
const second = file(
  "b/config",
  `current-context: other
clusters:
- name: lab-cluster
  cluster: { server: https://shadowed.example:6443 }
- name: second
  cluster: { server: https://127.0.0.1:7443, insecure-skip-tls-verify: true }
users:
- name: carol
  user:
    client-certificate-data: ${b64("CERT-PEM")}
    client-key-data: ${b64("KEY-PEM")}
- name: gke
  user:
    exec: { command: gke-gcloud-auth-plugin, apiVersion: client.authentication.k8s.io/v1beta1 }
contexts:
- name: other
  context: { cluster: second, user: carol }
- name: plugin
  context: { cluster: second, user: gke }
`,
);

describe("loadKubeTarget", () => {
  it("merges the KUBECONFIG list as kubectl does: the first current-context and the first cluster of a name win", () => {
    const r = loadKubeTarget({ env: { KUBECONFIG: [join(dir, "missing"), first, second].join(delimiter) } });
    expect(r).toMatchObject({
      ok: true,
      target: { context: "lab", server: "https://10.1.2.3:6443", namespace: "labs", ca: "CA-PEM", token: "sa-token-123" },
    });
  });

  it("takes a client certificate and key, inline or from files beside the kubeconfig, for another context", () => {
    const r = loadKubeTarget({ env: { KUBECONFIG: [second, first].join(delimiter) } });
    expect(r).toMatchObject({ ok: true, target: { context: "other", server: "https://127.0.0.1:7443", namespace: "default", insecureSkipTlsVerify: true, cert: "CERT-PEM", key: "KEY-PEM" } });
    const admin = loadKubeTarget({ env: { KUBECONFIG: first }, context: "admin" });
    expect(admin).toMatchObject({ ok: false, message: expect.stringMatching(/needs its key|alice\.crt|ENOENT/) });
  });

  it("refuses a user that needs an exec plugin, and names a missing context", () => {
    expect(loadKubeTarget({ env: { KUBECONFIG: second }, context: "plugin" })).toMatchObject({ ok: false, message: expect.stringContaining("exec or auth-provider plugin") });
    expect(loadKubeTarget({ env: { KUBECONFIG: second }, context: "nope" })).toMatchObject({ ok: false, message: expect.stringContaining("no context named nope") });
  });

  it("reads ~/.kube/config when KUBECONFIG is unset", () => {
    const home = join(dir, "home");
    file("home/.kube/config", `current-context: c\nclusters: [{ name: k, cluster: { server: "https://kube.local:6443" } }]\nusers: [{ name: u, user: { token: t0k } }]\ncontexts: [{ name: c, context: { cluster: k, user: u } }]\n`);
    expect(loadKubeTarget({ env: {}, home })).toMatchObject({ ok: true, target: { server: "https://kube.local:6443", token: "t0k", namespace: "default" } });
  });

  it("falls back to the Pod's service account inside a cluster, and says so when there is nothing at all", () => {
    const sa = join(dir, "sa");
    file("sa/token", "pod-token\n");
    file("sa/ca.crt", "SA-CA");
    file("sa/namespace", "flexlab\n");
    const env = { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" };
    expect(loadKubeTarget({ env, home: join(dir, "nobody"), inClusterDir: sa })).toEqual({
      ok: true,
      target: { source: "in-cluster service account", context: "in-cluster", server: "https://10.96.0.1:443", namespace: "flexlab", ca: "SA-CA", token: "pod-token" },
    });
    expect(loadKubeTarget({ env: {}, home: join(dir, "nobody") })).toMatchObject({ ok: false, message: expect.stringContaining("no kubeconfig") });
  });
});
