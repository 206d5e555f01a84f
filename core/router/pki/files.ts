// Reading a node's certificates from a lab PKI folder: `ca.crt` at the top, then
// `<node>/<trustpoint>.crt` and `.key` — the layout the lab PKI writes.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TrustpointMaterial } from "./store";

export function readTrustpointMaterial(pkiDir: string, node: string): TrustpointMaterial[] {
  const caFile = join(pkiDir, "ca.crt");
  const nodeDir = join(pkiDir, node);
  if (!existsSync(caFile) || !existsSync(nodeDir)) return [];
  const caCertPem = readFileSync(caFile, "utf8");
  return readdirSync(nodeDir)
    .filter((f) => f.endsWith(".crt"))
    .sort()
    .map((f) => {
      const trustpoint = f.slice(0, -".crt".length);
      const keyFile = join(nodeDir, `${trustpoint}.key`);
      return {
        trustpoint,
        caCertPem,
        certPem: readFileSync(join(nodeDir, f), "utf8"),
        keyPem: existsSync(keyFile) ? readFileSync(keyFile, "utf8") : undefined,
      };
    });
}
