// PKI's exec commands besides the certificate and trustpoint shows (show.ts): the client side
// (`crypto key generate rsa`, `show crypto key mypubkey rsa`, `crypto pki authenticate|enroll`)
// and the certificate server's
// (`show crypto pki server`, `crypto pki server NAME info requests|grant|reject`), in IOS's
// words and layouts. FlexLab's exec shell asks no [yes/no] questions: the answers IOS would
// prompt for are taken as yes, and said so in the output.
import { BOTH, PRIV, subsystemExec, type SubsystemExecCommand, type SubsystemHost } from "../node/subsystem";
import { authenticate, enrolTrustpoint, fingerprintWords } from "./enrolment";
import { DEFAULT_MODULUS_BITS, type RsaKeyPair } from "./keys";
import type { PkiInstance } from "./subsystem";
import type { CertificateServer } from "./ca-server";

const CRYPTO = ["Encryption module", "Public Key components"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "10:21:07 CET Nov 28 2029", in the router's zone. */
function iosDate(router: SubsystemHost, ms: number): string {
  const zone = router.timeZone;
  const d = new Date(ms + zone.offsetMinutes * 60_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${zone.name} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
}

/** What `database level` writes, in IOS's words. */
const DATABASE_LEVEL: Readonly<Record<string, string>> = {
  minimum: "Minimum - no cert data written to storage",
  names: "Names - all issued certs written as <serialnum>.cnm",
  complete: "Complete - all issued certs written as <serialnum>.cer",
};

/** The SubjectPublicKeyInfo DER in upper-case hex, eight 32-bit words a line, as IOS prints
 * `Key Data:`. */
export function keyDataLines(pair: RsaKeyPair): string[] {
  const words = pair.publicKey.export({ type: "spki", format: "der" }).toString("hex").toUpperCase().match(/.{1,8}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 8) lines.push(`  ${words.slice(i, i + 8).join(" ")} `);
  return lines;
}

function mypubkeyLines(router: SubsystemHost, pair: RsaKeyPair): string[] {
  return [
    `% Key pair was generated at: ${iosDate(router, pair.generatedMs)}`,
    `Key name: ${pair.label}`,
    `Key type: RSA KEYS      ${pair.modulusBits} bits`,
    " Storage Device: private-config",
    " Usage: General Purpose Key",
    " Key is not exportable. Redundancy enabled.",
    " Key Data:",
    ...keyDataLines(pair),
  ];
}

function serverLines(router: SubsystemHost, s: CertificateServer, level: string | undefined, stored: boolean): string[] {
  return [
    `Certificate Server ${s.name}:`,
    "    Status: enabled",
    "    State: enabled",
    "    Server's configuration is locked  (enter \"shut\" to unlock it)",
    `    Issuer name: ${s.cert.subject.split("\n").reverse().join(",")}`,
    `    CA cert fingerprint: ${fingerprintWords(s.cert.raw, "md5")} `,
    `    Granting mode is: ${s.grantMode}`,
    `    Last certificate issued serial number (hex): ${s.lastIssuedSerial.toString(16).toUpperCase()}`,
    `    CA certificate expiration timer: ${iosDate(router, Date.parse(s.cert.validTo))}`,
    // IOS's default `database url` is nvram:; a router without NVRAM (none was given) keeps it in memory.
    `    Current primary storage dir: ${stored ? "nvram:" : "memory (this router has no NVRAM)"}`,
    `    Database Level: ${DATABASE_LEVEL[level ?? "minimum"]}`,
  ];
}

export function pkiExecCommands(pkiOf: (router: SubsystemHost) => PkiInstance): readonly SubsystemExecCommand[] {
  const serverOf = (router: SubsystemHost, name: string, print: (t: string) => void): CertificateServer | undefined => {
    const s = pkiOf(router).servers.get(name);
    if (!s) print(router.running.crypto.pki.servers?.[name] ? `% Certificate server ${name} is shut down` : `% Certificate server ${name} does not exist`);
    return s;
  };
  return [
    subsystemExec({
      id: "crypto.key.generate.rsa",
      mode: PRIV,
      syntax: "crypto key generate rsa [general-keys] [label WORD$label] [modulus <360-4096>$modulus]",
      help: [...CRYPTO.slice(0, 1), "Long term key operations", "Generate new keys", "Generate RSA keys", "Generate a general purpose RSA key pair for signing and encryption", "Provide a label", "RSA keypair label", "Provide number of modulus bits on the command line", "size of the key modulus [360-4096]"],
      run: ({ router, args, print }) => {
        const label = args.optStr("label") ?? (router.running.domainName ? `${router.running.hostname}.${router.running.domainName}` : router.running.hostname);
        const bits = args.optNum("modulus") ?? DEFAULT_MODULUS_BITS;
        print(`The name for the keys will be: ${label}`);
        print("");
        print(`% The key modulus size is ${bits} bits`);
        print(`% Generating ${bits} bit RSA keys, keys will be non-exportable...`);
        pkiOf(router).keys.generate(label, bits, router.clock.now());
        print("[OK]");
      },
    }),
    subsystemExec({
      id: "show.crypto.key.mypubkey.rsa",
      mode: BOTH,
      syntax: "show crypto key mypubkey rsa [WORD$label]",
      help: ["Show running system information", ...CRYPTO.slice(0, 1), "Show long term public keys", "Show public keys associated with this router", "Show RSA public keys", "Key label"],
      pipe: true,
      run: ({ router, args, print }) => {
        const want = args.optStr("label");
        for (const pair of pkiOf(router).keys.all()) if (want === undefined || pair.label === want) print(mypubkeyLines(router, pair).join("\n"));
      },
    }),
    subsystemExec({
      id: "crypto.pki.authenticate",
      mode: PRIV,
      syntax: "crypto pki authenticate WORD$trustpoint",
      help: [...CRYPTO, "Get the certificate authority certificate", "Trustpoint name"],
      run: ({ router, args, print }) =>
        new Promise<void>((resolve) => {
          const tp = router.running.crypto.pki.trustpoints[args.str("trustpoint")];
          if (!tp) {
            print(`% Trustpoint ${args.str("trustpoint")} not configured`);
            return resolve();
          }
          authenticate(pkiOf(router), tp, print, () => resolve());
        }),
    }),
    subsystemExec({
      id: "crypto.pki.enroll",
      mode: PRIV,
      syntax: "crypto pki enroll WORD$trustpoint",
      help: [...CRYPTO, "Request a certificate from a CA", "Trustpoint name"],
      run: ({ router, args, print }) =>
        new Promise<void>((resolve) => {
          const tp = router.running.crypto.pki.trustpoints[args.str("trustpoint")];
          if (!tp) {
            print(`% Trustpoint ${args.str("trustpoint")} not configured`);
            return resolve();
          }
          print("%");
          print("% Start certificate enrollment ..");
          print("% Request certificate from CA? [yes/no]: yes (FlexLab asks no questions)");
          enrolTrustpoint(pkiOf(router), tp, print, (o) => {
            if (o.text) print(o.text);
            else if (o.result === "pending") print(`% The request is pending at the CA; the router polls for it`);
            else if (o.result === "issued") print(`% The 'show crypto pki certificates ${tp.name}' command will show the certificate.`);
            resolve();
          });
        }),
    }),
    subsystemExec({
      id: "show.crypto.pki.server",
      mode: BOTH,
      syntax: "show crypto pki server [WORD$name]",
      help: ["Show running system information", ...CRYPTO, "Show Certificate Server status", "Certificate Server name"],
      pipe: true,
      run: ({ router, args, print }) => {
        const want = args.optStr("name");
        for (const cfg of Object.values(router.running.crypto.pki.servers ?? {})) {
          if (want !== undefined && cfg.name !== want) continue;
          const s = pkiOf(router).servers.get(cfg.name);
          if (s) print(serverLines(router, s, cfg.databaseLevel, pkiOf(router).nvram !== undefined).join("\n"));
          else print([`Certificate Server ${cfg.name}:`, "    Status: disabled", "    State: disabled", `    Issuer name: ${cfg.issuerName ?? `CN=${cfg.name}`}`].join("\n"));
        }
      },
    }),
    subsystemExec({
      id: "crypto.pki.server.info-requests",
      mode: PRIV,
      syntax: "crypto pki server WORD$name info requests",
      help: [...CRYPTO, "Certificate Server commands", "Certificate Server name", "Display information", "Display enrollment request database"],
      pipe: true,
      run: ({ router, args, print }) => {
        const s = serverOf(router, args.str("name"), print);
        if (!s) return;
        const header = ["ReqID  State      Fingerprint                      SubjectName", "--------------------------------------------------------------"];
        print(["Enrollment Request Database:", "", "Subordinate CA certificate requests:", ...header, "", "RA certificate requests:", ...header, "", "Router certificates requests:", ...header].join("\n"));
        for (const r of s.all()) print(`${String(r.id).padEnd(7)}${r.state.padEnd(11)}${r.fingerprint} ${r.subjectName}`);
      },
    }),
    subsystemExec({
      id: "crypto.pki.server.grant-reject",
      mode: PRIV,
      syntax: "crypto pki server WORD$name (grant$grant|reject$reject) (all$all|<1-1000>$id)",
      help: [...CRYPTO, "Certificate Server commands", "Certificate Server name", "Grant enrollment requests", "Reject enrollment requests", "All pending requests", "Request ID"],
      run: ({ router, args, print }) => {
        const s = serverOf(router, args.str("name"), print);
        if (!s) return;
        const id = args.optNum("id");
        const chosen = id === undefined ? s.all().filter((r) => r.state === "pending") : [s.get(id)].filter((r) => r !== undefined);
        if (id !== undefined && chosen.length === 0) return print(`% Request ${id} does not exist`);
        for (const r of chosen) {
          if (r.state !== "pending") {
            print(`% Request ${r.id} is already ${r.state}`);
            continue;
          }
          if (args.has("grant")) s.grant(r, router.clock.now());
          else s.reject(r);
        }
      },
    }),
  ];
}
