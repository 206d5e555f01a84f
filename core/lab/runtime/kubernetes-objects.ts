// The cluster's objects as the kubernetes runtime finds them again: a lab's Pods, ConfigMaps
// and Secrets by the label `flexlab.lab=<name>`, made afresh when a name is taken by what is
// left of the same lab, waited for until Running with an address, and deleted exactly.
import { KubeApiError, isReason, type KubeApi } from "./kube-api";
import { ANNOTATION_DIR, GRACE_SEC, LABEL_LAB, LABEL_NODE, labSelector, type Manifest } from "./kubernetes-plan";

/** The v1 Pod fields the runtime reads. */
export interface PodObject {
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string>; readonly deletionTimestamp?: string; readonly resourceVersion?: string };
  readonly status?: {
    readonly phase?: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
    readonly podIP?: string;
    readonly reason?: string;
    readonly message?: string;
    readonly containerStatuses?: readonly {
      readonly name: string;
      readonly state?: {
        readonly running?: object;
        readonly waiting?: { readonly reason?: string; readonly message?: string };
        readonly terminated?: { readonly exitCode: number; readonly signal?: number; readonly reason?: string; readonly message?: string };
      };
    }[];
  };
}

export interface ObjectList<T> {
  readonly metadata: { readonly resourceVersion?: string };
  readonly items: readonly T[];
}

type Meta = { readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string>; readonly deletionTimestamp?: string } };

export const KINDS = [
  { kind: "Pod", plural: "pods" },
  { kind: "ConfigMap", plural: "configmaps" },
  { kind: "Secret", plural: "secrets" },
] as const;

function collection(api: KubeApi, kind: Manifest["kind"]): string {
  const plural = KINDS.find((k) => k.kind === kind)?.plural ?? "pods";
  return `/api/v1/namespaces/${encodeURIComponent(api.namespace)}/${plural}`;
}

export function listPods(api: KubeApi, lab: string): Promise<ObjectList<PodObject>> {
  return api.call<ObjectList<PodObject>>("GET", collection(api, "Pod"), { query: { labelSelector: labSelector(lab) } });
}

export interface LabObject {
  readonly kind: Manifest["kind"];
  readonly name: string;
  readonly dir: string | undefined;
}

/** Every Pod, ConfigMap and Secret of the lab in the namespace. */
export async function listLabObjects(api: KubeApi, lab: string): Promise<LabObject[]> {
  const lists = await Promise.all(KINDS.map(async ({ kind }) => ({ kind, list: await api.call<ObjectList<Meta>>("GET", collection(api, kind), { query: { labelSelector: labSelector(lab) } }) })));
  return lists.flatMap(({ kind, list }) => list.items.map((o) => ({ kind, name: o.metadata.name, dir: o.metadata.annotations?.[ANNOTATION_DIR] })));
}

/** Deletes every listed object of the lab (from `dir` only, when given): Pods first, with the
 * runtime's grace period. One already gone (404) is fine. Resolves to what it deleted. */
export async function deleteLabObjects(api: KubeApi, lab: string, dir?: string): Promise<LabObject[]> {
  const objects = (await listLabObjects(api, lab)).filter((o) => dir === undefined || o.dir === dir);
  const problems: string[] = [];
  for (const kind of KINDS.map((k) => k.kind)) {
    await Promise.all(
      objects
        .filter((o) => o.kind === kind)
        .map(async (o) => {
          try {
            await api.call("DELETE", `${collection(api, kind)}/${encodeURIComponent(o.name)}`, kind === "Pod" ? { query: { gracePeriodSeconds: GRACE_SEC } } : {});
          } catch (err) {
            if (!isReason(err, "NotFound")) problems.push(`${kind} ${o.name}: ${err instanceof Error ? err.message : String(err)}`);
          }
        }),
    );
  }
  if (problems.length) throw new Error(`could not delete everything of lab ${lab}:\n  ${problems.join("\n  ")}`);
  return objects;
}

const GONE_POLL_MS = 500;

/**
 * Creates `manifest`. When its name is taken (409 AlreadyExists) by an object of the same lab
 * and folder, that one is a leftover: deleted (or, being deleted already, waited for) and
 * the create tried again until `deadline`. Anyone else's object of that name is an error.
 */
export async function createFresh(api: KubeApi, manifest: Manifest, deadline: number, signal?: AbortSignal): Promise<void> {
  const path = collection(api, manifest.kind);
  const lab = manifest.metadata.labels[LABEL_LAB];
  for (;;) {
    try {
      await api.call("POST", path, { body: manifest });
      return;
    } catch (err) {
      if (!isReason(err, "AlreadyExists")) throw err;
    }
    let existing: Meta | undefined;
    try {
      existing = await api.call<Meta>("GET", `${path}/${encodeURIComponent(manifest.metadata.name)}`);
    } catch (err) {
      if (!isReason(err, "NotFound")) throw err;
    }
    if (existing) {
      const theirs = existing.metadata.labels?.[LABEL_LAB];
      const node = manifest.metadata.labels[LABEL_NODE];
      if (theirs !== lab || existing.metadata.annotations?.[ANNOTATION_DIR] !== manifest.metadata.annotations[ANNOTATION_DIR]) {
        throw new KubeApiError(409, "AlreadyExists", `${manifest.kind} ${manifest.metadata.name}${node ? ` (node ${node})` : ""} already exists in namespace ${api.namespace} and is not lab ${lab}'s from ${manifest.metadata.annotations[ANNOTATION_DIR]}`);
      }
      if (!existing.metadata.deletionTimestamp) {
        try {
          await api.call("DELETE", `${path}/${encodeURIComponent(manifest.metadata.name)}`, manifest.kind === "Pod" ? { query: { gracePeriodSeconds: 0 } } : {});
        } catch (err) {
          if (!isReason(err, "NotFound")) throw err;
        }
      }
    }
    if (Date.now() > deadline) throw new KubeApiError(409, "AlreadyExists", `${manifest.kind} ${manifest.metadata.name} is still being deleted`);
    if (signal?.aborted) throw new KubeApiError(0, "Aborted", "interrupted");
    if (existing) await new Promise((r) => setTimeout(r, GONE_POLL_MS));
  }
}

/** What a Pod is as FlexLab sees it. */
export type PodFacts =
  | { readonly kind: "pending"; readonly detail?: string }
  | { readonly kind: "running"; readonly ip: string }
  | { readonly kind: "ended"; readonly exitCode: number | null; readonly detail: string };

export function podFacts(pod: PodObject): PodFacts {
  const status = pod.status ?? {};
  const router = status.containerStatuses?.find((c) => c.name === "router");
  const terminated = router?.state?.terminated;
  if (status.phase === "Failed" || status.phase === "Succeeded" || terminated) {
    const detail = [terminated?.reason ?? status.reason, terminated?.message ?? status.message].filter(Boolean).join(": ") || `Pod ${status.phase ?? "ended"}`;
    return { kind: "ended", exitCode: terminated?.exitCode ?? null, detail };
  }
  if (status.phase === "Running" && router?.state?.running && status.podIP) return { kind: "running", ip: status.podIP };
  const waiting = router?.state?.waiting;
  return { kind: "pending", ...(waiting?.reason ? { detail: [waiting.reason, waiting.message].filter(Boolean).join(": ") } : {}) };
}

/** Reasons a container waits that will not go away by waiting longer. */
const STUCK = /^(ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerConfigError|CreateContainerError)/;

/**
 * Waits until each of `pods` runs its router with an address: lists them, then watches from
 * the list's resourceVersion. Calls `onRunning` once per Pod as it gets there; resolves to
 * each Pod's failure ("" for none) when all are running or failed, or rejects on `signal`.
 */
export async function waitForPods(api: KubeApi, lab: string, pods: ReadonlySet<string>, onRunning: (pod: string, ip: string) => void, signal: AbortSignal): Promise<Map<string, string>> {
  const outcome = new Map<string, string>();
  const see = (pod: PodObject): boolean => {
    const name = pod.metadata.name;
    if (!pods.has(name) || outcome.has(name)) return outcome.size === pods.size;
    const facts = podFacts(pod);
    if (facts.kind === "running") {
      outcome.set(name, "");
      onRunning(name, facts.ip);
    } else if (facts.kind === "ended") {
      outcome.set(name, `exited before it was ready (${facts.exitCode === null ? "no exit code" : `exit code ${facts.exitCode}`}): ${facts.detail}`);
    } else if (facts.detail && STUCK.test(facts.detail)) {
      outcome.set(name, facts.detail);
    }
    return outcome.size === pods.size;
  };
  for (;;) {
    const list = await listPods(api, lab);
    let done = false;
    for (const pod of list.items) done = see(pod) || done;
    if (done || outcome.size === pods.size) return outcome;
    const ended = await api
      .watch<PodObject>(
        `/api/v1/namespaces/${encodeURIComponent(api.namespace)}/pods`,
        { labelSelector: labSelector(lab), resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: false },
        (event) => (event.type === "ADDED" || event.type === "MODIFIED" ? see(event.object) : false),
        signal,
      )
      .catch((err: unknown) => {
        // 410 Gone (reason Expired): the list's resourceVersion is too old to watch from; list again.
        if (err instanceof KubeApiError && err.status === 410) return "ended" as const;
        throw err;
      });
    if (ended === "done") return outcome;
    if (ended === "aborted") throw new KubeApiError(0, "Aborted", "interrupted");
    // The server closed the watch (they time out): list and watch again.
  }
}
