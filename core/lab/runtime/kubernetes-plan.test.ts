import { describe, expect, it } from "vitest";
import { parseLab } from "../topology";
import { DATA_KEY, DNS_LABEL, kubernetesLimitation, LABEL_VALUE, objectName, planKubernetesLab, tunnelPeers, type Manifest } from "./kubernetes-plan";

// The seed lab, as lab.yaml gives it (labs/mpls-over-flexvpn), from a fixed folder.
const SEED = parseLab(
  `name: mpls-over-flexvpn
nodes:
  R1-HUB:    { kind: router, config: R1-HUB.cfg }
  INET:      { kind: router, config: INET.cfg }
  R3-Spoke1: { kind: router, config: R3-Spoke1.cfg }
  R4-Spoke:  { kind: router, config: R4-Spoke.cfg }
links:
  - endpoints: [R1-HUB:Ethernet0/0, INET:Ethernet0/0]
  - endpoints: [INET:Ethernet0/1, R3-Spoke1:Ethernet0/0, R4-Spoke:Ethernet0/0]
`,
  "/labs/mpls-over-flexvpn/lab.yaml",
  "/labs/mpls-over-flexvpn",
);

const plan = planKubernetesLab({
  lab: SEED,
  image: "registry.example/flexlab/router:0.1.0",
  version: "0.1.0",
  token: "0123456789abcdef0123456789abcdef",
  configs: new Map(SEED.nodes.map((n) => [n.name, `hostname ${n.name}\n!\nend\n`])),
  pki: new Map([
    ["ca.crt", "CA"],
    ["R1-HUB/FLEX.crt", "CERT"],
    ["R1-HUB/FLEX.key", "KEY"],
  ]),
});
const all: Manifest[] = [plan.secret, ...plan.nodes.flatMap((n) => [n.configManifest, n.manifest])];

/** A DNS-1123 subdomain: what object names are (253 at most, labels joined by dots). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A qualified label key: an optional DNS subdomain prefix and "/", then a name part. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** IANA_SVC_NAME: a container port's name. */
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

type Container = { name: string; ports?: { name: string; containerPort: number; protocol: string }[]; volumeMounts: { name: string }[] };
type PodSpec = { containers: Container[]; initContainers: Container[]; volumes: { name: string }[]; hostname: string };

describe("the kubernetes runtime's objects for the seed lab", () => {
  it("are the snapshot: a Secret, a ConfigMap and a Pod per router", () => {
    expect(all).toMatchSnapshot();
  });

  it("keep the API's naming rules: DNS-1123 names, qualified label keys and valid values, data keys", () => {
    for (const m of all) {
      expect(m.metadata.name.length).toBeLessThanOrEqual(63);
      expect(m.metadata.name).toMatch(DNS_SUBDOMAIN);
      for (const [k, v] of Object.entries(m.metadata.labels)) {
        expect(k).toMatch(LABEL_KEY);
        expect(k.split("/").pop()!.length).toBeLessThanOrEqual(63);
        expect(v).toMatch(LABEL_VALUE);
        expect(v.length).toBeLessThanOrEqual(63);
      }
      expect(m.metadata.labels["flexlab.lab"]).toBe("mpls-over-flexvpn");
      expect(m.metadata.annotations["flexlab.dir"]).toBe("/labs/mpls-over-flexvpn");
      for (const key of Object.keys((m as { data?: object }).data ?? {})) expect(key).toMatch(DATA_KEY);
    }
  });

  it("give each Pod unique, valid ports, and mounts that name its volumes", () => {
    for (const n of plan.nodes) {
      const spec = n.manifest.spec as PodSpec;
      expect(spec.hostname).toMatch(DNS_LABEL);
      const volumes = new Set(spec.volumes.map((v) => v.name));
      for (const c of [...spec.initContainers, ...spec.containers]) {
        expect(c.name).toMatch(DNS_LABEL);
        for (const m of c.volumeMounts) expect(volumes.has(m.name)).toBe(true);
      }
      const ports = spec.containers[0].ports ?? [];
      expect(new Set(ports.map((p) => p.name)).size).toBe(ports.length);
      expect(new Set(ports.map((p) => `${p.containerPort}/${p.protocol}`)).size).toBe(ports.length);
      for (const p of ports) {
        expect(p.name.length).toBeLessThanOrEqual(15);
        expect(p.name).toMatch(PORT_NAME);
        expect(p.containerPort).toBeGreaterThanOrEqual(1);
        expect(p.containerPort).toBeLessThanOrEqual(65535);
        expect(["TCP", "UDP", "SCTP"]).toContain(p.protocol);
      }
    }
  });

  it("run under the restricted Pod Security Standard: non-root, no escalation, no capability, RuntimeDefault seccomp, no host namespaces or paths", () => {
    for (const n of plan.nodes) {
      const spec = n.manifest.spec as Record<string, unknown> & { securityContext: Record<string, unknown>; containers: Record<string, unknown>[]; initContainers: Record<string, unknown>[]; volumes: Record<string, unknown>[] };
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(spec.securityContext.runAsUser).not.toBe(0);
      for (const key of ["hostNetwork", "hostPID", "hostIPC"]) expect(spec[key]).toBeUndefined();
      for (const v of spec.volumes) expect(Object.keys(v).some((k) => ["emptyDir", "configMap", "secret"].includes(k))).toBe(true);
      for (const c of [...spec.initContainers, ...spec.containers]) {
        expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
        expect(c.imagePullPolicy).toBe("IfNotPresent");
        expect(c.image).toBe("registry.example/flexlab/router:0.1.0");
      }
    }
  });

  it("mount the lab PKI into the routers that have material, and only theirs", () => {
    const hub = plan.nodes.find((n) => n.name === "R1-HUB")!.manifest.spec as { volumes: { name: string; secret?: { items: { key: string; path: string }[] } }[] };
    expect(hub.volumes.find((v) => v.name === "pki")?.secret?.items).toEqual([
      { key: "pki.R1-HUB.FLEX.crt", path: "R1-HUB/FLEX.crt" },
      { key: "pki.R1-HUB.FLEX.key", path: "R1-HUB/FLEX.key" },
      { key: "pki.ca.crt", path: "ca.crt" },
    ]);
    const inet = plan.nodes.find((n) => n.name === "INET")!.manifest.spec as { volumes: { name: string; secret?: { items: unknown[] } }[] };
    expect(inet.volumes.find((v) => v.name === "pki")?.secret?.items).toEqual([{ key: "pki.ca.crt", path: "ca.crt" }]);
  });

  it("tell each tunnel port the other ends of its link once the Pods have addresses (three ends: two peers)", () => {
    const ips = new Map([
      ["R1-HUB", "10.244.1.5"],
      ["INET", "10.244.2.7"],
      ["R3-Spoke1", "10.244.1.9"],
      ["R4-Spoke", "10.244.3.2"],
    ]);
    expect(tunnelPeers(plan, "INET", ips)).toEqual([
      { iface: "Ethernet0/0", peers: [{ host: "10.244.1.5", port: 47000 }] },
      { iface: "Ethernet0/1", peers: [{ host: "10.244.1.9", port: 47000 }, { host: "10.244.3.2", port: 47000 }] },
    ]);
    expect(tunnelPeers(plan, "R4-Spoke", ips)).toEqual([{ iface: "Ethernet0/0", peers: [{ host: "10.244.2.7", port: 47001 }, { host: "10.244.1.9", port: 47000 }] }]);
  });
});

describe("names and limits", () => {
  it("makes DNS-1123 names, keeping apart names that differ only in case or punctuation", () => {
    expect(objectName("flexlab", "lab", "r1")).toBe("flexlab-lab-r1");
    expect(objectName("flexlab", "lab", "R1")).toMatch(/^flexlab-lab-r1-[0-9a-f]{6}$/);
    expect(objectName("flexlab", "lab", "R1")).not.toBe(objectName("flexlab", "lab", "r1"));
    expect(objectName("flexlab", "lab", "R_1.x")).toMatch(/^flexlab-lab-r-1-x-[0-9a-f]{6}$/);
    const long = objectName("flexlab", "a".repeat(63), "b".repeat(63));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(DNS_LABEL);
  });

  it("refuses a lab whose names cannot be label values", () => {
    expect(kubernetesLimitation(SEED)).toBeUndefined();
    const bad = parseLab("name: lab-\nnodes:\n  R1: { kind: router, config: R1.cfg }\n", "/x/lab.yaml", "/x");
    expect(kubernetesLimitation(bad)).toMatch(/cannot be a Kubernetes label value/);
  });
});
