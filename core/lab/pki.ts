// The lab PKI: one CA per lab folder, and a certificate for every router trustpoint that
// enrols by URL and has none yet, issued the way the config asks (its subject-name, its key
// size, the serial its `crypto pki certificate chain` names), so certificate labs come up
// with no manual enrolment. Keys and certificates are PEM files under <lab>/pki/, kept
// across `up`/`down` like the startup-configs, as a router keeps its RSA keys in NVRAM: made
// once, again only when missing or no longer good (expired, not this CA's, not the key's).
// The RSA keys a first `up` needs are generated at the same time, on libuv's thread pool.
import { generateKeyPair, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { mkdir, readFile, realpath } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseConfig } from "../router/config/parse";
import type { RouterConfig } from "../router/config/model/router";
import { formatName, parseSubjectName, type NameAttribute } from "../router/pki/subject";
import { buildCertificate, toPem } from "../router/pki/x509";
import { isBelow, type Lab } from "./topology";
import type { TrustpointMaterial } from "../router/pki/store";
import { readTrustpointMaterial } from "../router/pki/files";
import { writeFileAtomic } from "../router/agent/storage";
import { enrolsWithRouterCa, routerCaAddresses } from "./router-ca";

const DAY_MS = 24 * 3600 * 1000;
const CA_VALIDITY_MS = 3650 * DAY_MS;
const ROUTER_VALIDITY_MS = 365 * DAY_MS;

export interface IssuedCertificate {
  readonly node: string;
  readonly trustpoint: string;
  readonly serial: string; // hex, as IOS shows it
  readonly subject: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** false when the certificate was already there. */
  readonly fresh: boolean;
}

interface LabCa {
  readonly key: KeyObject;
  readonly publicKey: KeyObject;
  readonly cert: X509Certificate;
  readonly name: NameAttribute[];
  readonly certFile: string;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export function pkiDir(lab: Lab): string {
  return join(lab.dir, "pki");
}

/** Makes `dir` (under the lab's pki/) and checks it is inside the lab folder once symlinks
 * are followed: a `pki` symlink must not send the lab's keys elsewhere. */
async function makeLabFolder(lab: Lab, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const inside = relative(await realpath(lab.dir), await realpath(dir));
  if (!isBelow(inside)) {
    throw new Error(`${dir} leads outside the lab folder ${lab.dir}: the lab PKI writes only inside it`);
  }
}

const rsaKeyPair = promisify(generateKeyPair);

/** A new RSA key pair, generated off the event loop so that several are made at once. */
function newRsaKeyPair(bits: number): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return rsaKeyPair("rsa", { modulusLength: bits });
}

/** The certificate and key in these PEM texts, if they are still good: both parse, the key
 * is the certificate's, and the certificate is valid at `nowMs`. */
function stillGood(certPem: string | undefined, keyPem: string | undefined, nowMs: number): { cert: X509Certificate; key: KeyObject } | undefined {
  if (!certPem || !keyPem) return undefined;
  try {
    const cert = new X509Certificate(certPem);
    const key = createPrivateKey(keyPem);
    if (!cert.checkPrivateKey(key)) return undefined;
    if (nowMs < Date.parse(cert.validFrom) || nowMs > Date.parse(cert.validTo)) return undefined;
    return { cert, key };
  } catch {
    return undefined; // unreadable: made again, as a router regenerates a corrupt key
  }
}

/** The lab's CA, created on first use (serial 01, as the seed configs' chains expect), and
 * again when its key or certificate is missing, unreadable or expired. */
export async function labCa(lab: Lab, nowMs = Date.now()): Promise<LabCa> {
  const dir = pkiDir(lab);
  await makeLabFolder(lab, dir);
  const keyFile = join(dir, "ca.key");
  const certFile = join(dir, "ca.crt");
  const name = parseSubjectName(`CN=FlexLab ${lab.name} CA,O=FlexLab`)!;
  const kept = stillGood(await readIfExists(certFile), await readIfExists(keyFile), nowMs);
  if (kept) return { key: kept.key, publicKey: createPublicKey(kept.key), cert: kept.cert, name, certFile };
  const pair = await newRsaKeyPair(2048);
  const der = buildCertificate({
    serial: 1n,
    subject: name,
    issuer: name,
    subjectKey: pair.publicKey,
    issuerKey: pair.privateKey,
    issuerPublicKey: pair.publicKey,
    notBeforeMs: nowMs - DAY_MS,
    notAfterMs: nowMs + CA_VALIDITY_MS,
    ca: true,
  });
  await writeFileAtomic(keyFile, pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o600 });
  await writeFileAtomic(certFile, toPem(der), { mode: 0o644 });
  return { key: pair.privateKey, publicKey: pair.publicKey, cert: new X509Certificate(Buffer.from(der)), name, certFile };
}

/** The FQDN a router proves in IKEv2 (`identity local fqdn X`), else hostname.domain. */
function fqdnOf(config: RouterConfig): string {
  for (const profile of Object.values(config.crypto.ikev2.profiles)) {
    const id = profile.identityLocal;
    if (id && id.kind === "fqdn") return id.value;
  }
  return config.domainName ? `${config.hostname}.${config.domainName}` : config.hostname;
}

/** Issues what is missing (or no longer good) for one node; returns every certificate it
 * holds. `ca` may still be on its way: a new key is generated while the CA's is. */
export async function enrolNode(lab: Lab, caOrPending: LabCa | Promise<LabCa>, node: string, config: RouterConfig, nowMs = Date.now()): Promise<IssuedCertificate[]> {
  const out: IssuedCertificate[] = [];
  const dir = join(pkiDir(lab), node);
  for (const tp of Object.values(config.crypto.pki.trustpoints)) {
    if (tp.enrollment?.kind !== "url") continue;
    // The name becomes a file name: `crypto pki trustpoint ../x` must not write outside pki/.
    if (/[/\\\0]/.test(tp.name)) throw new Error(`${node}: trustpoint "${tp.name}" cannot be enrolled: its name becomes a file name, so it cannot contain '/' or '\\'`);
    await makeLabFolder(lab, dir);
    const certFile = join(dir, `${tp.name}.crt`);
    const keyFile = join(dir, `${tp.name}.key`);
    const chain = config.crypto.pki.certificateChains[tp.name];
    const serialHex = chain?.certificates.find((c) => !c.ca)?.serial ?? String(out.length + 2).padStart(2, "0");
    const subject = parseSubjectName(tp.subjectName ?? `CN=${fqdnOf(config)}`) ?? parseSubjectName(`CN=${fqdnOf(config)}`)!;
    // A key that is still good stays, whichever CA is current: only its certificate is issued
    // again when the CA changed. A new one is on its way while the CA is.
    const kept = stillGood(await readIfExists(certFile), await readIfExists(keyFile), nowMs);
    const newPair = kept ? undefined : newRsaKeyPair(tp.rsakeypair?.sizeBits ?? 2048);
    newPair?.catch(() => undefined); // its failure is reported below, unless the CA's comes first
    const ca = await caOrPending;
    if (kept && kept.cert.verify(ca.publicKey)) {
      out.push({ node, trustpoint: tp.name, serial: kept.cert.serialNumber, subject: formatName(subject), certFile, keyFile, fresh: false });
      continue;
    }
    const pair = newPair ? await newPair : { privateKey: kept!.key, publicKey: createPublicKey(kept!.key) };
    const der = buildCertificate({
      serial: BigInt(`0x${serialHex}`),
      subject,
      issuer: ca.name,
      subjectKey: pair.publicKey,
      issuerKey: ca.key,
      issuerPublicKey: ca.publicKey,
      notBeforeMs: nowMs - DAY_MS,
      notAfterMs: nowMs + ROUTER_VALIDITY_MS,
      ca: false,
      dnsNames: [fqdnOf(config)],
    });
    // Readable by all: in the docker runtime the node's agent reads it as the container's own
    // non-root user, whoever owns the lab folder. It is a lab key, worthless outside the lab;
    // the CA's key, which only this process reads, stays 0600.
    await writeFileAtomic(keyFile, pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o644 });
    await writeFileAtomic(certFile, toPem(der), { mode: 0o644 });
    out.push({ node, trustpoint: tp.name, serial: serialHex.toUpperCase(), subject: formatName(subject), certFile, keyFile, fresh: true });
  }
  return out;
}

/** Enrols every node of the lab that needs it. */
export async function enrolLab(lab: Lab, nowMs = Date.now()): Promise<IssuedCertificate[]> {
  const models: [string, RouterConfig][] = [];
  for (const n of lab.nodes) models.push([n.name, parseConfig(await readFile(join(lab.dir, n.config), "utf8")).model]);
  // Trustpoints that enrol with a router CA of the lab over SCEP get nothing from the lab PKI.
  const routerCas = routerCaAddresses(models.map(([, m]) => m));
  const configs: [string, RouterConfig][] = [];
  for (const [name, model] of models) {
    for (const tp of Object.values(model.crypto.pki.trustpoints)) if (enrolsWithRouterCa(tp, routerCas)) delete model.crypto.pki.trustpoints[tp.name];
    if (Object.values(model.crypto.pki.trustpoints).some((tp) => tp.enrollment?.kind === "url")) configs.push([name, model]);
  }
  if (configs.length === 0) return [];
  // pki/ is checked before anything is written under it; then the CA and every node's keys
  // are made at once.
  await makeLabFolder(lab, pkiDir(lab));
  const ca = labCa(lab, nowMs);
  ca.catch(() => undefined); // each node's enrolment awaits it and reports its failure
  const issued = await Promise.all(configs.map(([node, model]) => enrolNode(lab, ca, node, model, nowMs)));
  return issued.flat();
}

/** Each node's trustpoint material (PEM texts) for its router, enrolling first. */
export async function labPkiMaterial(lab: Lab): Promise<Map<string, TrustpointMaterial[]>> {
  const issued = await enrolLab(lab);
  const nodes = new Set(issued.map((i) => i.node));
  return new Map([...nodes].map((node) => [node, readTrustpointMaterial(pkiDir(lab), node)]));
}
