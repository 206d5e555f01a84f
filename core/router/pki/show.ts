// `show crypto pki certificates [TRUSTPOINT]` and `show crypto pki trustpoints`, in IOS's
// layout, from the router's PKI store and its trustpoint configuration.
import type { X509Certificate } from "node:crypto";
import { BOTH, subsystemExec, type SubsystemExecCommand, type SubsystemHost } from "../node/subsystem";
import type { PkiStore } from "./store";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "10:21:07 CET Nov 28 2026", in the router's zone. */
function validityDate(router: SubsystemHost, text: string): string {
  const zone = router.timeZone;
  const d = new Date(Date.parse(text) + zone.offsetMinutes * 60_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${zone.name} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
}

/** X509Certificate prints names one attribute per line, country first; IOS lists them
 * most specific first, lower-case. */
function nameLines(name: string): string[] {
  return name
    .split("\n")
    .reverse()
    .map((line) => {
      const eq = line.indexOf("=");
      return `    ${line.slice(0, eq).toLowerCase()}=${line.slice(eq + 1)}`;
    });
}

function commonName(name: string): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(name)?.[1];
}

function block(router: SubsystemHost, title: string, cert: X509Certificate, usage: string, trustpoint: string, storage: string): string[] {
  const lines = [title, "  Status: Available", `  Certificate Serial Number (hex): ${cert.serialNumber}`, `  Certificate Usage: ${usage}`, "  Issuer: ", ...nameLines(cert.issuer), "  Subject:"];
  const cn = commonName(cert.subject);
  if (cn && title === "Certificate") lines.push(`    Name: ${cn}`);
  lines.push(...nameLines(cert.subject), "  Validity Date: ", `    start date: ${validityDate(router, cert.validFrom)}`, `    end   date: ${validityDate(router, cert.validTo)}`);
  lines.push(`  Associated Trustpoints: ${trustpoint} `, `  Storage: nvram:${storage}`, "");
  return lines;
}

/** The show commands, reading the store `storeOf` finds on the router they run on. */
export function pkiShowCommands(storeOf: (router: SubsystemHost) => PkiStore): readonly SubsystemExecCommand[] {
  return [
    subsystemExec({
      id: "show.crypto.pki.certificates",
      mode: BOTH,
      syntax: "show crypto pki certificates [WORD$trustpoint]",
      help: ["Show running system information", "Encryption module", "Public Key components", "Show certificates", "Trustpoint name"],
      pipe: true,
      run: ({ router, args, print }) => {
        const wanted = args.optStr("trustpoint");
        for (const tp of storeOf(router).all()) {
          if (wanted !== undefined && tp.trustpoint !== wanted) continue;
          const out: string[] = [];
          // Both nvram file names start with the CA's common name, spaces dropped.
          const ca = (commonName(tp.ca.subject) ?? "CA").replace(/\s+/g, "");
          if (tp.cert) out.push(...block(router, "Certificate", tp.cert, "General Purpose", tp.trustpoint, `${ca}#${parseInt(tp.cert.serialNumber, 16)}.cer`));
          out.push(...block(router, "CA Certificate", tp.ca, "Signature", tp.trustpoint, `${ca}#${parseInt(tp.ca.serialNumber, 16)}CA.cer`));
          print(out.join("\n"));
        }
      },
    }),
    subsystemExec({
      id: "show.crypto.pki.trustpoints",
      mode: BOTH,
      syntax: "show crypto pki trustpoints",
      help: ["Show running system information", "Encryption module", "Public Key components", "Show trustpoints"],
      pipe: true,
      run: ({ router, print }) => {
        // The configured trustpoints, then those a certificate server made for itself (IOS
        // adds its own `crypto pki trustpoint NAME` to the running config; FlexLab keeps it
        // in the store only).
        const configured = router.running.crypto.pki.trustpoints;
        const names = new Set([...Object.keys(configured), ...storeOf(router).all().map((t) => t.trustpoint)]);
        for (const name of names) {
          const tp = configured[name];
          const held = storeOf(router).get(name);
          print(`Trustpoint ${name}:`);
          if (held) {
            print(`    Subject Name: `);
            for (const l of nameLines(held.ca.subject)) print(`    ${l.trim()}`);
            print(`          Serial Number (hex): ${held.ca.serialNumber}`);
            print(`    Certificate configured.`);
          } else print("    Not authenticated.");
          if (tp?.enrollment?.kind === "url") print(`    SCEP URL: ${tp.enrollment.url}/cgi-bin`);
          print("");
        }
      },
    }),
  ];
}
