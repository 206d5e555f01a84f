// Where the kubernetes runtime finds its cluster, the way kubectl does: the files named by
// KUBECONFIG (a list, merged: the first file to name a cluster, user or context wins, and
// the first current-context wins), else ~/.kube/config, else the Pod's own service account
// when FlexLab itself runs in a cluster. From the chosen context it takes the API server, its
// CA, the namespace and the credentials: a bearer token (inline or a file) or a client
// certificate and key. Exec and auth-provider plugins are not run: a context that needs one
// is refused with a message saying so. Relative file paths are read from the kubeconfig's
// own folder, as kubectl reads them.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";
import type { Result } from "../../api/result";

export const IN_CLUSTER_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

export interface KubeTarget {
  /** Where it came from, for messages: "~/.kube/config (context kind-lab)", "in-cluster". */
  readonly source: string;
  readonly context: string;
  /** https://host:port (or http:// for a local test server), no trailing slash. */
  readonly server: string;
  readonly namespace: string;
  /** PEM of the cluster's CA; absent: the system's CAs. */
  readonly ca?: string;
  readonly insecureSkipTlsVerify?: boolean;
  readonly tlsServerName?: string;
  readonly token?: string;
  /** PEM client certificate and key. */
  readonly cert?: string;
  readonly key?: string;
  readonly username?: string;
  readonly password?: string;
}

export interface KubeConfigSources {
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  readonly inClusterDir?: string;
  /** A context other than the current one. */
  readonly context?: string;
}

type Named<T> = { name: string; value: T; dir: string };

interface MergedConfig {
  currentContext?: string;
  clusters: Map<string, Named<Record<string, unknown>>>;
  users: Map<string, Named<Record<string, unknown>>>;
  contexts: Map<string, Named<Record<string, unknown>>>;
  files: string[];
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Reads one kubeconfig file into the merge; the first definition of a name wins. */
function mergeFile(merged: MergedConfig, file: string): string | undefined {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined; // kubectl skips missing files in the list
    return `${file}: ${err instanceof Error ? err.message : String(err)}`;
  }
  const top = record(doc);
  merged.files.push(file);
  merged.currentContext ??= text(top["current-context"]);
  const dir = dirname(file);
  const add = (list: unknown, key: string, into: Map<string, Named<Record<string, unknown>>>): void => {
    if (!Array.isArray(list)) return;
    for (const entry of list) {
      const e = record(entry);
      const name = text(e.name);
      if (name !== undefined && !into.has(name)) into.set(name, { name, value: record(e[key]), dir });
    }
  };
  add(top.clusters, "cluster", merged.clusters);
  add(top.users, "user", merged.users);
  add(top.contexts, "context", merged.contexts);
  return undefined;
}

function readRelative(dir: string, path: string): string {
  return readFileSync(isAbsolute(path) ? path : join(dir, path), "utf8");
}

/** Inline base64 data, else a file: `certificate-authority-data` over `certificate-authority`. */
function dataOrFile(entry: Named<Record<string, unknown>>, dataKey: string, fileKey: string): string | undefined {
  const data = text(entry.value[dataKey]);
  if (data !== undefined) return Buffer.from(data, "base64").toString("utf8");
  const file = text(entry.value[fileKey]);
  return file === undefined ? undefined : readRelative(entry.dir, file);
}

function fromMerged(merged: MergedConfig, wanted: string | undefined): Result<{ target: KubeTarget }> {
  const where = merged.files.join(delimiter);
  const contextName = wanted ?? merged.currentContext;
  if (contextName === undefined) return { ok: false, message: `${where}: no current-context (kubectl config use-context NAME)` };
  const context = merged.contexts.get(contextName);
  if (!context) return { ok: false, message: `${where}: no context named ${contextName}` };
  const clusterName = text(context.value.cluster);
  const cluster = clusterName === undefined ? undefined : merged.clusters.get(clusterName);
  if (!cluster) return { ok: false, message: `${where}: context ${contextName} names no known cluster (${clusterName ?? "none"})` };
  const server = text(cluster.value.server);
  if (server === undefined || !/^https?:\/\//.test(server)) return { ok: false, message: `${where}: cluster ${cluster.name} has no https:// server` };
  const userName = text(context.value.user);
  const user = userName === undefined ? undefined : merged.users.get(userName);
  if (userName !== undefined && !user) return { ok: false, message: `${where}: context ${contextName} names an unknown user ${userName}` };
  if (user && (user.value.exec !== undefined || user.value["auth-provider"] !== undefined)) {
    return {
      ok: false,
      message: `${where}: user ${user.name} authenticates through an exec or auth-provider plugin, which FlexLab does not run; give it a token (e.g. a service account's: kubectl create token NAME) or a client certificate`,
    };
  }
  try {
    const ca = dataOrFile(cluster, "certificate-authority-data", "certificate-authority");
    const token = user ? (text(user.value.token) ?? (text(user.value.tokenFile) ? readRelative(user.dir, text(user.value.tokenFile)!).trim() : undefined)) : undefined;
    const cert = user ? dataOrFile(user, "client-certificate-data", "client-certificate") : undefined;
    const key = user ? dataOrFile(user, "client-key-data", "client-key") : undefined;
    if ((cert === undefined) !== (key === undefined)) return { ok: false, message: `${where}: user ${userName}: a client certificate needs its key, and a key its certificate` };
    const target: KubeTarget = {
      source: `${where} (context ${contextName})`,
      context: contextName,
      server: server.replace(/\/+$/, ""),
      namespace: text(context.value.namespace) ?? "default",
      ...(ca !== undefined ? { ca } : {}),
      ...(cluster.value["insecure-skip-tls-verify"] === true ? { insecureSkipTlsVerify: true } : {}),
      ...(text(cluster.value["tls-server-name"]) ? { tlsServerName: text(cluster.value["tls-server-name"]) } : {}),
      ...(token !== undefined ? { token } : {}),
      ...(cert !== undefined && key !== undefined ? { cert, key } : {}),
      ...(user && text(user.value.username) ? { username: text(user.value.username), password: text(user.value.password) ?? "" } : {}),
    };
    return { ok: true, target };
  } catch (err) {
    return { ok: false, message: `${where}: context ${contextName}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** The Pod's own service account, when FlexLab runs inside a cluster. */
function inCluster(env: NodeJS.ProcessEnv, dir: string): Result<{ target: KubeTarget }> | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return undefined;
  try {
    const token = readFileSync(join(dir, "token"), "utf8").trim();
    const ca = readFileSync(join(dir, "ca.crt"), "utf8");
    let namespace = "default";
    try {
      namespace = readFileSync(join(dir, "namespace"), "utf8").trim() || "default";
    } catch {
      // no namespace file: default
    }
    const hostPart = host.includes(":") ? `[${host}]` : host;
    return { ok: true, target: { source: "in-cluster service account", context: "in-cluster", server: `https://${hostPart}:${port}`, namespace, ca, token } };
  } catch (err) {
    return { ok: false, message: `in-cluster service account at ${dir}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** The cluster to talk to, found as kubectl finds it; a message when there is none. */
export function loadKubeTarget(sources: KubeConfigSources = {}): Result<{ target: KubeTarget }> {
  const env = sources.env ?? process.env;
  const list = env.KUBECONFIG?.split(delimiter).filter((p) => p !== "");
  const files = list?.length ? list : [join(sources.home ?? homedir(), ".kube", "config")];
  const merged: MergedConfig = { clusters: new Map(), users: new Map(), contexts: new Map(), files: [] };
  for (const file of files) {
    const problem = mergeFile(merged, file);
    if (problem) return { ok: false, message: problem };
  }
  if (merged.files.length) return fromMerged(merged, sources.context);
  const cluster = inCluster(env, sources.inClusterDir ?? IN_CLUSTER_DIR);
  if (cluster) return cluster;
  return { ok: false, message: `no kubeconfig (${files.join(delimiter)} not found, KUBECONFIG unset or empty) and not inside a cluster` };
}
