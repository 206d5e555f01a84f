// What the kubernetes runtime asks the API server for, worked out before it asks: a v1
// Secret with the lab's mgmt token (and the lab PKI's files), one v1 ConfigMap per node with
// its startup-config, and one v1 Pod per router. Pure, so the objects are checked without a
// cluster (kubernetes-plan.test.ts: a snapshot, and the API's validation rules).
//
// The choices, and why (clabernetes, the reference, runs a controller and a connectivity
// sidecar in every device Pod whose UDP "wire" carries the frames between Pods, cut to the
// Pod network's MTU; our routers are programs of ours, so the router itself is the tunnel end):
// - A bare Pod per router, restartPolicy Never: a router that crashes shows crashed (as on
//   docker) instead of looping; `flexlab start` makes the Pod anew from the manifest the
//   state file keeps.
// - Links are UDP tunnels between Pod IPs, one UDP port per interface (TUNNEL_BASE_PORT up),
//   which every CNI plugin routes; no privilege, no packet socket, no overlay of ours. The
//   peers are set through the mgmt API (`link.peers`) once every Pod has an address. One
//   frame is one datagram: a full 1514-byte frame is a 1542-byte IP packet, which the
//   kernel fragments on a 1500-byte (or smaller, overlay) Pod network; a CNI that drops IP
//   fragments carries only smaller frames (lower the routers' `ip mtu` then).
// - The console and mgmt API listen on the Pod's 127.0.0.1 only: the API server's
//   port-forward dials localhost inside the Pod's network namespace, and nothing else in
//   the cluster can reach them. Only the tunnel ports face the Pod network.
// - The startup-config comes from a ConfigMap, copied by an init container (the same image's
//   node) into an emptyDir, where `write memory` can replace it while the Pod lives.
// - Every object carries `flexlab.lab=<name>` and the app.kubernetes.io labels, and the lab
//   folder in the annotation `flexlab.dir` (a path is no label value), so `down` deletes
//   exactly what the lab made.
// - The Pod runs under the "restricted" Pod Security Standard: non-root, no privilege
//   escalation, every capability dropped, read-only root, RuntimeDefault seccomp.
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { platformArgs, type Lab } from "../topology";

export const CONSOLE_PORT = 2323;
export const MGMT_PORT = 2324;
/** The first interface's UDP tunnel port in every Pod; the next interfaces count up. */
export const TUNNEL_BASE_PORT = 47000;
export const TOKEN_KEY = "token";
export const TOKEN_ENV = "FLEXLAB_TOKEN";
export const POD_LAB_DIR = "/lab";
export const SEED_DIR = "/seed";
/** The agent's uid in the router image (user `flexlab`). */
export const RUN_AS = 1000;
export const GRACE_SEC = 3;

export const LABEL_LAB = "flexlab.lab";
export const LABEL_NODE = "flexlab.node";
export const LABEL_ROLE = "flexlab.role";
export const ANNOTATION_DIR = "flexlab.dir";

/** An object as the API takes it: every manifest below is plain JSON of the v1 types. */
export type Manifest = Record<string, unknown> & { apiVersion: "v1"; kind: "Pod" | "ConfigMap" | "Secret"; metadata: ObjectMeta };

export interface ObjectMeta {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A label value: empty, or up to 63 of [A-Za-z0-9._-] beginning and ending alphanumeric. */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** A DNS-1123 label: what Pod hostnames, container and port names are made of. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A ConfigMap or Secret data key. */
export const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

export interface KubernetesPlanInputs {
  readonly lab: Lab;
  readonly image: string;
  /** FlexLab's version, for the app.kubernetes.io/version label. */
  readonly version: string;
  readonly token: string;
  /** Each node's startup-config text. */
  readonly configs: ReadonlyMap<string, string>;
  /** The lab PKI's files by path under pki/ ("ca.crt", "R1/TP.crt"); absent: none. */
  readonly pki?: ReadonlyMap<string, string>;
}

export interface TunnelEndpoint {
  readonly node: string;
  readonly iface: string;
  readonly linkIndex: number;
  readonly port: number;
}

export interface NodePlan {
  readonly name: string;
  readonly pod: string;
  readonly configMap: string;
  readonly tunnels: readonly TunnelEndpoint[];
  readonly manifest: Manifest;
  readonly configManifest: Manifest;
}

export interface KubernetesPlan {
  readonly secret: Manifest;
  readonly nodes: readonly NodePlan[];
  /** For each link (lab.links order), its ends. */
  readonly links: readonly { readonly index: number; readonly endpoints: readonly TunnelEndpoint[] }[];
}

/** A DNS-1123 label for `parts` joined by "-": lower-cased, other characters to "-", at most
 * 63; when that changed anything, a short hash of the original keeps two names apart that
 * differ only in case or punctuation (R1 and r1). */
export function objectName(...parts: readonly string[]): string {
  const original = parts.join("-");
  let name = original.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  if (name === original && name.length <= 63) return name;
  const hash = createHash("sha256").update(original).digest("hex").slice(0, 6);
  name = name.slice(0, 63 - 7).replace(/-+$/, "");
  return `${name}-${hash}`;
}

export function podName(lab: string, node: string): string {
  return objectName("flexlab", lab, node);
}

export function secretName(lab: string): string {
  return objectName("flexlab", lab);
}

export function configMapName(lab: string, node: string): string {
  return objectName("flexlab", lab, node, "config");
}

export function labSelector(lab: string): string {
  return `${LABEL_LAB}=${lab}`;
}

/** What a lab asks for that the kubernetes runtime cannot give, or undefined. */
export function kubernetesLimitation(lab: Lab): string | undefined {
  if (!LABEL_VALUE.test(lab.name)) return `lab name ${lab.name} cannot be a Kubernetes label value (it must begin and end with a letter or digit)`;
  for (const n of lab.nodes) {
    if (!LABEL_VALUE.test(n.name)) return `node name ${n.name} cannot be a Kubernetes label value (it must begin and end with a letter or digit)`;
    if (!DATA_KEY.test(basename(n.config))) return `nodes.${n.name}.config: the file name ${basename(n.config)} cannot be a ConfigMap key`;
  }
  return undefined;
}

function labels(lab: Lab, component: "router" | "startup-config" | "lab-secret", version: string, node?: string): Record<string, string> {
  return {
    [LABEL_LAB]: lab.name,
    ...(node === undefined ? {} : { [LABEL_NODE]: node }),
    [LABEL_ROLE]: component,
    "app.kubernetes.io/name": "flexlab",
    "app.kubernetes.io/instance": lab.name,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "flexlab",
    "app.kubernetes.io/managed-by": "flexlab",
    "app.kubernetes.io/version": version,
  };
}

function meta(lab: Lab, name: string, component: "router" | "startup-config" | "lab-secret", version: string, node?: string): ObjectMeta {
  return { name, labels: labels(lab, component, version, node), annotations: { [ANNOTATION_DIR]: lab.dir } };
}

/** The lab PKI's file for a Secret key: "pki.ca.crt", "pki.R1.TP.crt" (a key has no "/"). */
function pkiKey(path: string): string {
  return `pki.${path.split("/").join(".")}`;
}

/** The "restricted" Pod Security Standard's container settings. */
const CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
};

// The init container copies the ConfigMap's files (its `..data` links left out) into the
// emptyDir; node is the one program the router image is sure to have.
const SEED_SCRIPT = "const fs=require('fs');const [from,to]=process.argv.slice(1);for(const f of fs.readdirSync(from))if(!f.startsWith('.'))fs.copyFileSync(from+'/'+f,to+'/'+f)";

export function planKubernetesLab(inputs: KubernetesPlanInputs): KubernetesPlan {
  const { lab, image, version } = inputs;
  const tunnelsByNode = new Map<string, TunnelEndpoint[]>(lab.nodes.map((n) => [n.name, []]));
  const links = lab.links.map((link) => ({
    index: link.index,
    endpoints: link.endpoints.map((e) => {
      const mine = tunnelsByNode.get(e.node);
      if (!mine) throw new Error(`planKubernetesLab: link ${link.index} names an unknown node ${e.node}`);
      const endpoint: TunnelEndpoint = { node: e.node, iface: e.iface, linkIndex: link.index, port: TUNNEL_BASE_PORT + mine.length };
      mine.push(endpoint);
      return endpoint;
    }),
  }));

  const pki = inputs.pki ?? new Map<string, string>();
  const secret: Manifest = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta(lab, secretName(lab.name), "lab-secret", version),
    type: "Opaque",
    data: Object.fromEntries([[TOKEN_KEY, Buffer.from(inputs.token).toString("base64")], ...[...pki].sort(([a], [b]) => a.localeCompare(b)).map(([path, text]) => [pkiKey(path), Buffer.from(text).toString("base64")])]),
  };

  const nodes = lab.nodes.map((n, position): NodePlan => {
    const pod = podName(lab.name, n.name);
    const configMap = configMapName(lab.name, n.name);
    const configFile = basename(n.config);
    const text = inputs.configs.get(n.name);
    if (text === undefined) throw new Error(`planKubernetesLab: no startup-config text for ${n.name}`);
    const tunnels = tunnelsByNode.get(n.name) ?? [];
    const pkiItems = [...pki.keys()].filter((p) => p === "ca.crt" || p.startsWith(`${n.name}/`)).sort();
    const args = [
      ...["--name", n.name, "--dir", POD_LAB_DIR, "--config", configFile],
      ...["--console-port", String(CONSOLE_PORT), "--mgmt-port", String(MGMT_PORT)],
      ...["--token-env", TOKEN_ENV, "--bind", "127.0.0.1", "--node-index", String(position + 1)],
      ...platformArgs(n),
      ...tunnels.flatMap((t) => ["--port", `${t.iface}=tunnel:${t.port}`]),
    ];
    const mounts = [
      { name: "lab", mountPath: POD_LAB_DIR },
      ...(pkiItems.length ? [{ name: "pki", mountPath: `${POD_LAB_DIR}/pki`, readOnly: true }] : []),
      { name: "tmp", mountPath: "/tmp" },
    ];
    const resources = { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } };
    const manifest: Manifest = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: meta(lab, pod, "router", version, n.name),
      spec: {
        restartPolicy: "Never",
        hostname: objectName(n.name),
        enableServiceLinks: false,
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: GRACE_SEC,
        securityContext: { runAsNonRoot: true, runAsUser: RUN_AS, runAsGroup: RUN_AS, fsGroup: RUN_AS, seccompProfile: { type: "RuntimeDefault" } },
        initContainers: [
          {
            name: "startup-config",
            image,
            imagePullPolicy: "IfNotPresent",
            command: ["node", "-e", SEED_SCRIPT, SEED_DIR, POD_LAB_DIR],
            volumeMounts: [
              { name: "seed", mountPath: SEED_DIR, readOnly: true },
              { name: "lab", mountPath: POD_LAB_DIR },
            ],
            securityContext: CONTAINER_SECURITY,
            resources,
          },
        ],
        containers: [
          {
            name: "router",
            image,
            imagePullPolicy: "IfNotPresent",
            args,
            env: [{ name: TOKEN_ENV, valueFrom: { secretKeyRef: { name: secretName(lab.name), key: TOKEN_KEY } } }],
            ports: [
              { name: "console", containerPort: CONSOLE_PORT, protocol: "TCP" },
              { name: "mgmt", containerPort: MGMT_PORT, protocol: "TCP" },
              ...tunnels.map((t, i) => ({ name: `tunnel-${i}`, containerPort: t.port, protocol: "UDP" })),
            ],
            volumeMounts: mounts,
            securityContext: CONTAINER_SECURITY,
            resources,
          },
        ],
        volumes: [
          { name: "lab", emptyDir: {} },
          { name: "seed", configMap: { name: configMap } },
          ...(pkiItems.length ? [{ name: "pki", secret: { secretName: secretName(lab.name), items: pkiItems.map((p) => ({ key: pkiKey(p), path: p })) } }] : []),
          { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
        ],
      },
    };
    const configManifest: Manifest = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(lab, configMap, "startup-config", version, n.name),
      data: { [configFile]: text },
    };
    return { name: n.name, pod, configMap, tunnels, manifest, configManifest };
  });
  return { secret, nodes, links };
}

/** Each tunnel port's peers once the Pods have addresses: the other ends of its link. */
export function tunnelPeers(plan: Pick<KubernetesPlan, "links">, node: string, podIps: ReadonlyMap<string, string>): { iface: string; peers: { host: string; port: number }[] }[] {
  const out: { iface: string; peers: { host: string; port: number }[] }[] = [];
  for (const link of plan.links) {
    for (const e of link.endpoints) {
      if (e.node !== node) continue;
      const peers = link.endpoints
        .filter((o) => o !== e)
        .flatMap((o) => {
          const host = podIps.get(o.node);
          return host === undefined ? [] : [{ host, port: o.port }];
        });
      out.push({ iface: e.iface, peers });
    }
  }
  return out;
}
