// The seed lab (labs/mpls-over-flexvpn) in `flexlab sim`: what the hub negotiates from, as an
// engineer reads it with IOS's show commands. The hub configures no IKEv2 proposal, policy or
// transform set, so IOS's smart defaults are what it shows; its two spokes hold the first two
// addresses of `mypool`, each on its Virtual-Access; its trustpoint is enrolled with the lab CA.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { copyExampleLabSync } from "../../core/lab/testdata/example-lab";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "flexlab-seed-crypto-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The lines between the prompt echoing `command` and the next prompt. */
function outputOf(stdout: string, command: string): string {
  const start = stdout.indexOf(`#${command}\n`);
  if (start < 0) return `(no output for ${command})`;
  const from = start + command.length + 2;
  const next = stdout.slice(from).search(/^\S+#/m);
  return stdout.slice(from, next < 0 ? undefined : from + next).replace(/\n$/, "");
}

describe("the seed hub's crypto configuration shows", () => {
  it("IOS's default proposal, policy, transform sets and profile, the pool's leases and the trustpoint's status", async () => {
    const lab = join(scratch, "seed");
    copyExampleLabSync("mpls-over-flexvpn", lab);
    const commands = [
      "show crypto ikev2 proposal",
      "show crypto ikev2 policy",
      "show crypto ipsec transform-set",
      "show crypto ipsec profile",
      "show ip local pool",
      "show ip local pool mypool | exclude ^  10.1.1.([3-9]|[1-9][0-9]+)$",
      "show crypto pki trustpoints CA status",
    ];
    const { stdout } = await run(process.execPath, [join(root, "bin/flexlab.mjs"), "sim", lab, ...commands.flatMap((c) => ["--exec", `R1-HUB: ${c}`])], { cwd: root, env: { ...process.env, FLEXLAB_FROM_SOURCE: "1" } });
    expect(outputOf(stdout, commands[0])).toBe(
      [
        " IKEv2 proposal: default ",
        "     Encryption : AES-CBC-256",
        "     Integrity  : SHA512 SHA384",
        "     PRF        : SHA512 SHA384",
        "     DH Group   : DH_GROUP_256_ECP/Group 19 DH_GROUP_2048_MODP/Group 14 DH_GROUP_521_ECP/Group 21 DH_GROUP_1536_MODP/Group 5",
      ].join("\n"),
    );
    expect(outputOf(stdout, commands[1])).toBe([" IKEv2 policy : default", "      Match fvrf : any", "      Match address local : any ", "      Proposal    : default "].join("\n"));
    expect(outputOf(stdout, commands[2])).toBe(
      [
        "Transform set #$!default_transform_set_1: { esp-gcm 256  } ",
        "   will negotiate = { Transport,  }, ",
        "",
        "Transform set #$!default_transform_set_0: { esp-aes esp-sha-hmac  } ",
        "   will negotiate = { Transport,  }, ",
      ].join("\n"),
    );
    expect(outputOf(stdout, commands[3])).toBe(
      [
        "IPSEC profile default",
        "IKEv2 Profile: default",
        "Security association lifetime: 4608000 kilobytes/3600 seconds",
        "Dualstack (Y/N): N",
        "Responder-Only (Y/N): N",
        "PFS (Y/N): N",
        "Mixed-mode : Disabled",
        "Transform sets={ ",
        "#$!default_transform_set_1:  { esp-gcm 256  } , ",
        "#$!default_transform_set_0:  { esp-aes esp-sha-hmac  } , ",
        "}",
      ].join("\n"),
    );
    expect(outputOf(stdout, commands[4])).toBe([" Pool                     Begin           End             Free  In use", " mypool                   10.1.1.1        10.1.1.254       252       2"].join("\n"));
    expect(outputOf(stdout, commands[5])).toBe(
      [
        " Pool                     Begin           End             Free  In use",
        " mypool                   10.1.1.1        10.1.1.254       252       2",
        "Available addresses:",
        "Inuse addresses:",
        "  10.1.1.1        Vi1",
        "  10.1.1.2        Vi2",
      ].join("\n"),
    );
    // The lab CA's and the hub's certificates are made per lab: their digests are matched by
    // shape (MD5 in 4, SHA-1 in 5 groups of 8 hex digits, each group and a space).
    const digests = outputOf(stdout, commands[6]).replace(/(Fingerprint MD5: )(?:[0-9A-F]{8} ){4}$/gm, "$1<md5>").replace(/(Fingerprint SHA1: )(?:[0-9A-F]{8} ){5}$/gm, "$1<sha1>");
    expect(digests).toBe(
      [
        "Trustpoint CA:",
        "  Issuing CA certificate configured:",
        "    Subject Name:",
        "     cn=FlexLab mpls-over-flexvpn CA,o=FlexLab",
        "    Fingerprint MD5: <md5>",
        "    Fingerprint SHA1: <sha1>",
        "  Router General Purpose certificate configured:",
        "    Subject Name:",
        "     cn=R1-HUB.cisco.com,ou=FLEX,ou=VPN,o=Cisco Systems,c=US,l=Linux",
        "    Fingerprint MD5: <md5>",
        "    Fingerprint SHA1: <sha1>",
        "  State:",
        "    Keys generated ............. Yes (General Purpose, non-exportable)",
        "    Issuing CA authenticated ....... Yes",
        "    Certificate request(s) ..... Yes",
        "",
      ].join("\n"),
    );
  }, 120_000);
});
