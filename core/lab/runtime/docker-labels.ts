// How a lab's Docker objects are named and found again. Every container and network the
// docker runtime makes carries `flexlab.lab=<lab name>` (ARCHITECTURE.md), so `destroy` and
// `status` ask the engine for exactly those and nothing else; the other labels say what an
// object is for. Names are for people reading `docker ps`: the labels are the truth.

export const LABEL_LAB = "flexlab.lab";
export const LABEL_NODE = "flexlab.node";
export const LABEL_LINK = "flexlab.link";
export const LABEL_ROLE = "flexlab.role";
/** The lab folder (absolute): two folders may hold labs of the same name. */
export const LABEL_DIR = "flexlab.dir";

export type ObjectRole = "router" | "mgmt" | "link" | "gateway";

/** The engine's filter syntax: `{ label: ["k=v", ...] }`, every entry must match. */
export type LabelFilter = { label: string[] };

/** A lab's objects; only those made from the folder `dir` when it is given. */
export function labFilter(lab: string, dir?: string): LabelFilter {
  return { label: [`${LABEL_LAB}=${lab}`, ...(dir === undefined ? [] : [`${LABEL_DIR}=${dir}`])] };
}

export function nodeFilter(lab: string, node: string): LabelFilter {
  return { label: [`${LABEL_LAB}=${lab}`, `${LABEL_NODE}=${node}`] };
}

export function labLabels(lab: string, dir: string, role: ObjectRole): Record<string, string> {
  return { [LABEL_LAB]: lab, [LABEL_DIR]: dir, [LABEL_ROLE]: role };
}

/** The same test the engine's label filter applies, for objects already listed. */
export function belongsToLab(labels: Readonly<Record<string, string>> | null | undefined, lab: string): boolean {
  return labels?.[LABEL_LAB] === lab;
}

export function containerName(lab: string, node: string): string {
  return `flexlab-${lab}-${node}`;
}

export function mgmtNetworkName(lab: string): string {
  return `flexlab-${lab}-mgmt`;
}

export function linkNetworkName(lab: string, index: number): string {
  return `flexlab-${lab}-link${index}`;
}

/**
 * The MAC for a container NIC with IPv4 address `ip`: 02:42 and the four address bytes. It is
 * the MAC engines up to API 1.43 generate themselves for that address, so it is right whether
 * the engine honours the MAC we ask for (the first network; every network from API 1.44) or
 * ignores it (networks connected later on older engines). Unique because addresses are.
 */
export function macForAddress(ip: string): string {
  const octets = ip.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new Error(`macForAddress: "${ip}" is not an IPv4 address`);
  }
  return ["02", "42", ...octets.map((o) => o.toString(16).padStart(2, "0"))].join(":");
}
