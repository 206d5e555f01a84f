// PKI: trustpoints, certificate maps and certificate chains (with the certificates' hex, as
// IOS shows it, ended by `quit`).

import { command, type ConfigCommand, type CtxOf } from "../command";
import type { ArgRecord } from "../grammar/args";
import type { Certificate, PkiServer, Trustpoint } from "../model/crypto";
import type { RouterConfig } from "../model/router";
import { block, field, pick } from "./field";
import { TOP } from "./order";
import { setting } from "./setting";

const TP = "ca-trustpoint";
const CS = "cs-server";
const CRYPTO = ["Encryption module", "Public Key components"];

function tp(m: RouterConfig, c: CtxOf<typeof TP>): Trustpoint {
  return pick(m.crypto.pki.trustpoints, c.trustpoint, "trustpoint");
}

function server(m: RouterConfig, c: CtxOf<typeof CS>): PkiServer {
  return pick((m.crypto.pki.servers ??= {}), c.csServer, "certificate server");
}

function certMapEntry(m: RouterConfig, c: CtxOf<"ca-certificate-map">) {
  const e = m.crypto.pki.certificateMaps[c.certMap]?.find((x) => x.seq === c.seq);
  if (!e) throw new Error(`certificate map ${c.certMap} ${c.seq} vanished`);
  return e;
}

function chain(m: RouterConfig, c: CtxOf<"cert-chain">) {
  return pick(m.crypto.pki.certificateChains, c.certChain, "certificate chain");
}

function certificate(m: RouterConfig, c: CtxOf<"cert-hex">): Certificate {
  const cert = chain(m, c).certificates.find((x) => x.serial === c.certSerial && x.ca === c.certCa);
  if (!cert) throw new Error(`certificate ${c.certSerial} vanished`);
  return cert;
}

/** Hex as IOS shows a certificate: 2-space indent, then `quit` after a tab. */
function hexLines(cert: Certificate): string[] {
  return cert.hex.length === 0 ? [] : [...cert.hex, "\tquit"];
}


export const pkiCommands: readonly ConfigCommand[] = [
  block({
    id: "crypto.pki.server",
    syntax: "crypto pki server WORD$name",
    help: [...CRYPTO, "Enable IOS Certificate Server", "Certificate Server name"],
    order: TOP.pkiServer,
    enters: CS,
    table: (m) => (m.crypto.pki.servers ??= {}),
    // IOS shows ` shutdown` for a stopped server and nothing for a running one, and starts
    // the servers of its startup-config: a block without `shutdown` runs. (Typed afresh, IOS
    // creates it shut; here it starts at once, and takes issuer-name and lifetime changes
    // until it has issued a certificate.)
    create: (name) => ({ name, shutdown: false }),
    ctx: (name) => ({ csServer: name }),
  }),
  setting({
    id: "cs-server.issuer-name",
    mode: CS,
    syntax: "issuer-name LINE$name",
    noSyntax: "issuer-name [LINE$name]",
    help: ["Issuer name", "Issuer name (X.500 distinguished name)"],
    order: 30,
    at: server,
    field: "issuerName",
    arg: "name",
  }),
  field({
    id: "cs-server.grant",
    mode: CS,
    syntax: "grant (auto$auto|none$none)",
    noSyntax: "grant [(auto$auto|none$none)]",
    help: ["Grant type for certificate requests", "Automatically grant incoming SCEP enrollment requests", "Automatically reject any enrollment request"],
    order: 40,
    set: (m, c, a) => {
      server(m, c).grant = a.auto !== undefined ? "auto" : "none";
    },
    clear: (m, c) => {
      delete server(m, c).grant;
    },
    show: (m, c) => {
      const g = server(m, c).grant;
      return g === undefined ? undefined : g === "auto" ? { auto: "auto" } : { none: "none" };
    },
  }),
  field({
    id: "cs-server.lifetime",
    mode: CS,
    syntax: "lifetime (certificate$cert|ca-certificate$ca) <1-7305>$days",
    noSyntax: "lifetime (certificate$cert|ca-certificate$ca) [<1-7305>$days]",
    help: ["Lifetime parameters", "Lifetime of certificates issued by the server (days)", "Lifetime of the server's own CA certificate (days)", "Lifetime in days"],
    order: 50,
    set: (m, c, a) => {
      if (a.cert !== undefined && a.days > 1825) return { error: "% Certificate lifetime can be at most 1825 days" };
      if (a.cert !== undefined) server(m, c).certificateLifetimeDays = a.days;
      else server(m, c).caCertificateLifetimeDays = a.days;
    },
    clear: (m, c, a) => {
      if (a.cert !== undefined) delete server(m, c).certificateLifetimeDays;
      else delete server(m, c).caCertificateLifetimeDays;
    },
    show: (m, c) => {
      const s = server(m, c);
      const out: ArgRecord[] = [];
      if (s.certificateLifetimeDays !== undefined) out.push({ cert: "certificate", days: s.certificateLifetimeDays });
      if (s.caCertificateLifetimeDays !== undefined) out.push({ ca: "ca-certificate", days: s.caCertificateLifetimeDays });
      return out;
    },
  }),
  field({
    id: "cs-server.database-level",
    mode: CS,
    syntax: "database level (minimum|names|complete)$level",
    noSyntax: "database level [(minimum|names|complete)$level]",
    help: ["Certificate Server database parameters", "Database level of detail", "Minimum: only the next serial number and CRL", "Names: each certificate's serial and subject", "Complete: each issued certificate"],
    order: 10,
    set: (m, c, a) => {
      server(m, c).databaseLevel = a.level as PkiServer["databaseLevel"];
    },
    clear: (m, c) => {
      delete server(m, c).databaseLevel;
    },
    show: (m, c) => {
      const l = server(m, c).databaseLevel;
      return l === undefined ? undefined : { level: l };
    },
  }),
  setting({
    id: "cs-server.database-url",
    mode: CS,
    syntax: "database url WORD$url",
    noSyntax: "database url [WORD$url]",
    help: ["Certificate Server database parameters", "Database location", "Database URL (e.g. nvram:)"],
    order: 20,
    at: server,
    field: "databaseUrl",
    arg: "url",
  }),
  command({
    id: "cs-server.shutdown",
    mode: CS,
    syntax: "shutdown",
    help: ["Shutdown (disable) the Certificate Server"],
    order: 90,
    apply: (m, _a, c) => {
      server(m, c).shutdown = true;
    },
    no: {
      apply: (m, _a, c) => {
        server(m, c).shutdown = false;
      },
    },
    render: (m, c) => (server(m, c).shutdown ? [{ args: {} }] : []),
  }),
  block({
    id: "crypto.pki.trustpoint",
    syntax: "crypto pki trustpoint WORD$name",
    help: [...CRYPTO, "Define a CA trustpoint", "Trustpoint Name"],
    order: TOP.pkiTrustpoint,
    enters: TP,
    table: (m) => m.crypto.pki.trustpoints,
    create: (name) => ({ name }),
    ctx: (name) => ({ trustpoint: name }),
    onRemove: (m, name) => {
      delete m.crypto.pki.certificateChains[name];
    },
  }),
  field({
    id: "trustpoint.enrollment",
    mode: TP,
    syntax: "enrollment (url WORD$url|terminal$terminal|selfsigned$selfsigned)",
    noSyntax: "enrollment [(url [WORD$url]|terminal$terminal|selfsigned$selfsigned)]",
    help: ["Enrollment parameters", "CA server enrollment URL", "Enrollment URL", "Enroll via the terminal (cut-and-paste)", "Generate a Self Signed Certificate"],
    order: 10,
    set: (m, c, a) => {
      tp(m, c).enrollment = a.url !== undefined ? { kind: "url", url: a.url } : a.terminal !== undefined ? { kind: "terminal" } : { kind: "selfsigned" };
    },
    clear: (m, c) => {
      delete tp(m, c).enrollment;
    },
    show: (m, c) => {
      const e = tp(m, c).enrollment;
      if (!e) return undefined;
      return e.kind === "url" ? { url: e.url } : e.kind === "terminal" ? { terminal: "terminal" } : { selfsigned: "selfsigned" };
    },
  }),
  field({
    id: "trustpoint.password",
    mode: TP,
    syntax: "password [LINE$value]",
    help: ["Password used in certificate requests", "The challenge password"],
    order: 20,
    set: (m, c, a) => {
      tp(m, c).password = a.value !== undefined ? { value: a.value } : {};
    },
    clear: (m, c) => {
      delete tp(m, c).password;
    },
    show: (m, c) => {
      const p = tp(m, c).password;
      if (!p) return undefined;
      return p.value === undefined ? {} : { value: p.value };
    },
  }),
  setting({
    id: "trustpoint.fingerprint",
    mode: TP,
    syntax: "fingerprint HEX$fingerprint",
    noSyntax: "fingerprint [HEX$fingerprint]",
    help: ["Expected CA certificate fingerprint", "Fingerprint of the CA certificate (hex)"],
    order: 30,
    at: tp,
    field: "fingerprint",
    arg: "fingerprint",
  }),
  setting({
    id: "trustpoint.subject-name",
    mode: TP,
    syntax: "subject-name LINE$name",
    noSyntax: "subject-name [LINE$name]",
    help: ["Subject Name", "subject name (X.500 distinguished name)"],
    order: 40,
    at: tp,
    field: "subjectName",
    arg: "name",
  }),
  field({
    id: "trustpoint.revocation-check",
    mode: TP,
    syntax: "revocation-check (crl|none|ocsp)$methods...",
    noSyntax: "revocation-check [(crl|none|ocsp)$methods...]",
    help: ["Revocation checking options", "Revocation check by CRL", "Ignore revocation check", "Revocation check by OCSP"],
    order: 50,
    set: (m, c, a) => {
      tp(m, c).revocationCheck = (a.methods ?? []) as ("crl" | "none" | "ocsp")[];
    },
    clear: (m, c) => {
      delete tp(m, c).revocationCheck;
    },
    show: (m, c) => {
      const r = tp(m, c).revocationCheck;
      return r === undefined ? undefined : { methods: r };
    },
  }),
  field({
    id: "trustpoint.rsakeypair",
    mode: TP,
    syntax: "rsakeypair WORD$label [<360-4096>$size]",
    noSyntax: "rsakeypair [WORD$label [<360-4096>$size]]",
    help: ["Specify rsa key pair to use", "RSA key pair label", "Key size (in bits)"],
    order: 60,
    set: (m, c, a) => {
      tp(m, c).rsakeypair = a.size !== undefined ? { label: a.label, sizeBits: a.size } : { label: a.label };
    },
    clear: (m, c) => {
      delete tp(m, c).rsakeypair;
    },
    show: (m, c) => {
      const k = tp(m, c).rsakeypair;
      if (!k) return undefined;
      return k.sizeBits === undefined ? { label: k.label } : { label: k.label, size: k.sizeBits };
    },
  }),
  field({
    id: "trustpoint.auto-enroll",
    mode: TP,
    syntax: "auto-enroll [<1-100>$percent] [regenerate$regenerate]",
    help: ["Enable auto-enrollment", "percent of lifetime after which to re-enroll", "Generate a new key pair when re-enrolling"],
    order: 70,
    set: (m, c, a) => {
      tp(m, c).autoEnroll = a.percent !== undefined ? { percent: a.percent, regenerate: a.regenerate !== undefined } : { regenerate: a.regenerate !== undefined };
    },
    clear: (m, c) => {
      delete tp(m, c).autoEnroll;
    },
    show: (m, c) => {
      const e = tp(m, c).autoEnroll;
      if (!e) return undefined;
      const args: Record<string, ArgRecord[string]> = {};
      if (e.percent !== undefined) args.percent = e.percent;
      if (e.regenerate) args.regenerate = "regenerate";
      return args;
    },
  }),
  setting({
    id: "trustpoint.vrf",
    mode: TP,
    syntax: "vrf WORD$vrf",
    noSyntax: "vrf [WORD$vrf]",
    help: ["VRF used for Certificate Authority requests", "VRF name"],
    order: 15,
    at: tp,
    field: "vrf",
    arg: "vrf",
  }),
  command({
    id: "crypto.pki.certificate-map",
    mode: "config",
    syntax: "crypto pki certificate map WORD$name <1-1000>$seq",
    help: [...CRYPTO, "Actions on certificates", "Create or modify a certificate map", "Certificate map tag", "Sequence to insert to or delete from existing certificate map entry"],
    order: TOP.pkiCertMap,
    enters: "ca-certificate-map",
    apply: (m, a) => {
      const name = a.name;
      const seq = a.seq;
      const list = (m.crypto.pki.certificateMaps[name] ??= []);
      if (!list.some((e) => e.seq === seq)) {
        list.push({ name, seq, rules: [] });
        list.sort((x, y) => x.seq - y.seq);
      }
      return { ctx: { certMap: name, seq } };
    },
    no: {
      syntax: "crypto pki certificate map WORD$name [<1-1000>$seq]",
      apply: (m, a) => {
        const name = a.name;
        const left = a.seq !== undefined ? (m.crypto.pki.certificateMaps[name] ?? []).filter((e) => e.seq !== a.seq) : [];
        if (left.length === 0) delete m.crypto.pki.certificateMaps[name];
        else m.crypto.pki.certificateMaps[name] = left;
      },
    },
    render: (m) =>
      Object.entries(m.crypto.pki.certificateMaps).flatMap(([name, list]) => list.map((e) => ({ args: { name, seq: e.seq }, child: { certMap: name, seq: e.seq } }))),
  }),
  command({
    id: "certificate-map.rule",
    mode: "ca-certificate-map",
    syntax: "(subject-name|issuer-name|alt-subject-name|name|unstructured-subject-name)$field (co|eq|nc|ne)$op LINE$value",
    help: [
      "Subject name",
      "Issuer name",
      "Subject Alternative name",
      "Subject or Issuer name",
      "Unstructured subject name",
      "contains",
      "equal",
      "does not contain",
      "not equal",
      "Value to match",
    ],
    order: 10,
    // IOS keeps certificate-map values in lower case; matching ignores case.
    apply: (m, a, c) => {
      const e = certMapEntry(m, c);
      const rule = { field: a.field, op: a.op, value: a.value.toLowerCase() };
      if (!e.rules.some((r) => r.field === rule.field && r.op === rule.op && r.value === rule.value)) e.rules.push(rule);
    },
    no: {
      apply: (m, a, c) => {
        const e = certMapEntry(m, c);
        const value = a.value.toLowerCase();
        e.rules = e.rules.filter((r) => !(r.field === a.field && r.op === a.op && r.value === value));
      },
    },
    render: (m, c) => certMapEntry(m, c).rules.map((r) => ({ args: { field: r.field, op: r.op, value: r.value } })),
  }),
  block({
    id: "crypto.pki.certificate-chain",
    syntax: "crypto pki certificate chain WORD$name",
    help: [...CRYPTO, "Actions on certificates", "Certificate chain", "Trustpoint name"],
    order: TOP.pkiChain,
    enters: "cert-chain",
    table: (m) => m.crypto.pki.certificateChains,
    create: (name) => ({ trustpoint: name, certificates: [] }),
    ctx: (name) => ({ certChain: name }),
  }),
  command({
    id: "cert-chain.certificate",
    mode: "cert-chain",
    syntax: "certificate [(ca$ca|self-signed$selfSigned)] HEX$serial",
    help: ["Input a certificate", "Input a CA certificate", "Input a self-signed certificate", "Certificate serial number"],
    order: 10,
    enters: "cert-hex",
    apply: (m, a, c) => {
      const ch = chain(m, c);
      const serial = a.serial;
      const ca = a.ca !== undefined;
      const existing = ch.certificates.find((x) => x.serial === serial && x.ca === ca);
      if (existing) {
        existing.hex = [];
        if (a.selfSigned !== undefined) existing.selfSigned = true;
        else delete existing.selfSigned;
      } else {
        // The router's own certificate first, then CA certificates, as IOS lists them.
        ch.certificates.push(a.selfSigned !== undefined ? { serial, ca, selfSigned: true, hex: [] } : { serial, ca, hex: [] });
        ch.certificates.sort((x, y) => Number(x.ca) - Number(y.ca));
      }
      return { ctx: { ...c, certSerial: serial, certCa: ca } };
    },
    no: {
      apply: (m, a, c) => {
        const ch = chain(m, c);
        ch.certificates = ch.certificates.filter((x) => !(x.serial === a.serial && x.ca === (a.ca !== undefined)));
      },
    },
    render: (m, c) =>
      chain(m, c).certificates.map((cert) => ({
        args: cert.ca ? { ca: "ca", serial: cert.serial } : cert.selfSigned ? { selfSigned: "self-signed", serial: cert.serial } : { serial: cert.serial },
        child: { ...c, certSerial: cert.serial, certCa: cert.ca },
        raw: hexLines(cert),
      })),
  }),
  command({
    id: "cert-hex.data",
    mode: "cert-hex",
    syntax: "HEXDATA$data",
    help: ["Certificate data in hex"],
    order: 10,
    apply: (m, a, c) => {
      certificate(m, c).hex.push(a.data);
    },
  }),
];
