// The kubernetes runtime's API client and port-forward against recorded API answers, replayed
// by a fake API server on 127.0.0.1 over TLS with the test's own CA: a 409 AlreadyExists and
// a 404 NotFound read from their v1 Status, a watch of Pod phases Pending→Running with the
// Pod's IP, a port-forward session in the v4.channel.k8s.io framing, and anything the
// recording does not hold refused.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeApi, KubeApiError, isReason } from "../../core/lab/runtime/kube-api";
import { startForwarder } from "../../core/lab/runtime/kube-portforward";
import { waitForPods, type PodObject } from "../../core/lab/runtime/kubernetes-objects";
import type { KubeTarget } from "../../core/lab/runtime/kube-config";
import { startFakeApiServer, type Exchange, type FakeApiServer } from "./fake-api-server";
import { makeTestTls, type TestTls } from "./tls";

const TOKEN = "recorded-bearer-token";
const NS = "labs";
const LABELS = { "flexlab.lab": "demo", "flexlab.node": "R1" };

function pod(name: string, phase: "Pending" | "Running", rv: string, ip?: string): PodObject & { kind: string; apiVersion: string } {
  return {
    kind: "Pod",
    apiVersion: "v1",
    metadata: { name, resourceVersion: rv, labels: LABELS },
    status: {
      phase,
      ...(ip ? { podIP: ip } : {}),
      containerStatuses: [{ name: "router", state: phase === "Running" ? { running: { startedAt: "2026-12-05T05:00:00Z" } } : { waiting: { reason: "ContainerCreating" } } }],
    },
  };
}

const conversation: Exchange[] = [
  { request: { method: "GET", path: "/version" }, response: { status: 200, body: { major: "1", minor: "31", gitVersion: "v1.31.2" } } },
  {
    request: { method: "POST", path: `/api/v1/namespaces/${NS}/configmaps`, body: { kind: "ConfigMap", metadata: { name: "taken" } } },
    response: { status: 409, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: 'configmaps "taken" already exists', reason: "AlreadyExists", details: { name: "taken", kind: "configmaps" }, code: 409 } },
  },
  {
    request: { method: "DELETE", path: `/api/v1/namespaces/${NS}/pods/gone`, query: { gracePeriodSeconds: "3" } },
    response: { status: 404, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: 'pods "gone" not found', reason: "NotFound", details: { name: "gone", kind: "pods" }, code: 404 } },
  },
  {
    request: { method: "GET", path: `/api/v1/namespaces/${NS}/pods`, query: { labelSelector: "flexlab.lab=demo" } },
    response: { status: 200, body: { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "500" }, items: [pod("r1", "Pending", "499")] } },
  },
  {
    request: { method: "GET", path: `/api/v1/namespaces/${NS}/pods`, query: { labelSelector: "flexlab.lab=demo", resourceVersion: "500", allowWatchBookmarks: "false", watch: "true" } },
    response: {
      status: 200,
      watch: [
        { type: "MODIFIED", object: pod("r1", "Pending", "501") },
        { type: "MODIFIED", object: pod("r1", "Running", "502", "10.244.1.7") },
      ],
    },
  },
  {
    request: { method: "GET", path: `/api/v1/namespaces/${NS}/pods`, query: { labelSelector: "flexlab.lab=demo" } },
    response: { status: 200, body: { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "600" }, items: [pod("r3", "Pending", "599")] } },
  },
  {
    request: { method: "GET", path: `/api/v1/namespaces/${NS}/pods`, query: { labelSelector: "flexlab.lab=demo", resourceVersion: "600", allowWatchBookmarks: "false", watch: "true" } },
    response: {
      status: 200,
      watch: [{ type: "ERROR", object: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "too old resource version: 600 (650)", reason: "Expired", code: 410 } }],
    },
  },
  {
    request: { method: "GET", path: `/api/v1/namespaces/${NS}/pods`, query: { labelSelector: "flexlab.lab=demo" } },
    response: { status: 200, body: { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "700" }, items: [pod("r3", "Running", "690", "10.244.2.3")] } },
  },
  {
    request: { method: "GET", path: `/api/v1/namespaces/${NS}/pods`, query: { labelSelector: "flexlab.lab=demo" } },
    response: {
      status: 200,
      body: {
        kind: "PodList",
        apiVersion: "v1",
        metadata: { resourceVersion: "800" },
        items: [
          {
            ...pod("r4", "Pending", "790"),
            status: {
              phase: "Pending",
              containerStatuses: [{ name: "router", state: { waiting: { reason: "ErrImagePull", message: 'failed to pull and unpack image "flexlab/router:0.1.0": pull access denied' } } }],
            },
          },
        ],
      },
    },
  },
];

let tls: TestTls | undefined;
let server: FakeApiServer;
let target: KubeTarget;

beforeAll(async () => {
  tls = makeTestTls();
  server = await startFakeApiServer({
    ...(tls ? { tls: { key: tls.key, cert: tls.cert } } : {}),
    token: TOKEN,
    conversation,
    portForward: (p, port) => (p === "r1" && port === 2324 ? { expect: Buffer.from("ping"), reply: Buffer.from("pong") } : undefined),
  });
  target = { source: "test", context: "test", server: server.url, namespace: NS, token: TOKEN, ...(tls ? { ca: tls.ca } : {}) };
});

afterAll(async () => {
  await server.close();
});

describe("the Kubernetes API client against a recorded conversation", () => {
  it("speaks TLS verified by the kubeconfig's CA with the bearer token, and refuses a server its CA did not sign", async (ctx) => {
    if (!tls) ctx.skip(); // openssl is needed to make the CA
    expect(await new KubeApi(target).call("GET", "/version")).toMatchObject({ gitVersion: "v1.31.2" });
    const stranger = new KubeApi({ ...target, ca: makeTestTls()!.ca });
    await expect(stranger.call("GET", "/version")).rejects.toMatchObject({ reason: "Unreachable" });
  });

  it("authenticates with a client certificate and key from the kubeconfig, over TLS both ways", async (ctx) => {
    if (!tls) ctx.skip();
    const t = tls!;
    const mtls = await startFakeApiServer({
      tls: { key: t.key, cert: t.cert, clientCa: t.ca },
      token: "unused",
      conversation: [{ request: { method: "GET", path: "/api/v1/namespaces/labs/pods", query: { labelSelector: "flexlab.lab=demo" } }, response: { status: 200, body: { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: [] } } }],
    });
    try {
      const base = { source: "test", context: "test", server: mtls.url, namespace: NS, ca: t.ca };
      await expect(new KubeApi(base).call("GET", "/api/v1/namespaces/labs/pods", { query: { labelSelector: "flexlab.lab=demo" } })).rejects.toMatchObject({ reason: "Unreachable" });
      expect(await new KubeApi({ ...base, cert: t.clientCert, key: t.clientKey }).call("GET", "/api/v1/namespaces/labs/pods", { query: { labelSelector: "flexlab.lab=demo" } })).toMatchObject({ kind: "PodList" });
      expect(mtls.unexpected).toEqual([]);
      expect(mtls.unused()).toEqual([]);
    } finally {
      await mtls.close();
    }
  });

  it("reads a failed call's v1 Status: 409 AlreadyExists, 404 NotFound", async () => {
    const api = new KubeApi(target);
    const taken = await api.call("POST", `/api/v1/namespaces/${NS}/configmaps`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "taken" } } }).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(KubeApiError);
    expect(taken).toMatchObject({ status: 409, reason: "AlreadyExists", message: 'configmaps "taken" already exists' });
    const gone = await api.call("DELETE", `/api/v1/namespaces/${NS}/pods/gone`, { query: { gracePeriodSeconds: 3 } }).catch((e: unknown) => e);
    expect(isReason(gone, "NotFound")).toBe(true);
  });

  it("waits for a Pod through its watch events, Pending then Running with its IP", async () => {
    const api = new KubeApi(target);
    const seen: string[] = [];
    const failures = await waitForPods(api, "demo", new Set(["r1"]), (p, ip) => seen.push(`${p} ${ip}`), AbortSignal.timeout(5000));
    expect(seen).toEqual(["r1 10.244.1.7"]);
    expect(failures).toEqual(new Map([["r1", ""]]));
  });

  it("lists again when the watch's resourceVersion has expired (410 Gone)", async () => {
    const seen: string[] = [];
    await waitForPods(new KubeApi(target), "demo", new Set(["r3"]), (p, ip) => seen.push(`${p} ${ip}`), AbortSignal.timeout(5000));
    expect(seen).toEqual(["r3 10.244.2.3"]);
  });

  it("gives up on a Pod whose image cannot be pulled, saying why", async () => {
    const failures = await waitForPods(new KubeApi(target), "demo", new Set(["r4"]), () => {}, AbortSignal.timeout(5000));
    expect(failures.get("r4")).toBe('ErrImagePull: failed to pull and unpack image "flexlab/router:0.1.0": pull access denied');
  });

  it("joins a TCP connection on 127.0.0.1 to a Pod's port through a v4.channel.k8s.io port-forward", async () => {
    const errors: string[] = [];
    const forwarder = await startForwarder(new KubeApi(target), [{ localPort: 0, pod: "r1", port: 2324 }, { localPort: 0, pod: "r2", port: 2324 }], (t) => errors.push(t));
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(forwarder.ports[0], "127.0.0.1", () => socket.write("ping"));
        socket.on("data", (d) => {
          resolve(d.toString());
          socket.destroy();
        });
        socket.on("error", reject);
      });
      expect(answer).toBe("pong"); // the port header (2324, little-endian) stripped from each channel
      // A Pod whose port refuses: the kubelet's error text, and the connection closed.
      await new Promise<void>((resolve) => connect(forwarder.ports[1], "127.0.0.1").on("close", () => resolve()).on("error", () => {}));
      expect(errors.join("\n")).toContain("r2:2324: error forwarding port 2324 to pod r2: connection refused");
      expect(server.portForwards).toEqual(["r1:2324", "r2:2324"]);
    } finally {
      await forwarder.close();
    }
  });

  it("used every recorded exchange, and was asked nothing else", async () => {
    await new KubeApi(target).call("GET", "/api/v1/namespaces/labs/secrets").catch((e: unknown) => e);
    expect(server.unexpected).toEqual(["GET /api/v1/namespaces/labs/secrets"]);
    server.unexpected.length = 0;
    expect(server.unused()).toEqual([]);
  });
});
