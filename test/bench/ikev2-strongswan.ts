// strongSwan's charon as the IKEv2 responder, measured the way ikev2.responder.* measures
// ours: CPU per IKE SA (IKE_SA_INIT, IKE_AUTH with one child SA, the INFORMATIONAL delete).
// Charon runs in one network namespace of a veth pair this file creates, our router (the
// initiator, on the packet Nic backend) in the other; our router clears its IKE SA and
// brings it up again N times, and charon's CPU is its process's utime + stime from
// /proc/PID/stat before and after (clock ticks, so N is large enough for a tick to be a few
// percent). Charon logs errors only. Its child SAs go to kernel-libipsec (userspace ESP, the
// kernel here has none), which needs UDP encapsulation: charon fakes NAT detection and the
// exchange after IKE_SA_INIT runs on UDP 4500, as in test/e2e/ikev2-strongswan.test.ts.
// Addresses are from 198.18.0.0/15; nothing leaves the namespaces, which are removed after.
import { readFileSync } from "node:fs";
import { issueTestCertificate, makeTestCa } from "../../core/router/sim/lab-certs";
import { VethLink, netnsSkipReason } from "../support/netns";
import { NetnsRouter, waitFor } from "../support/netns-router";
import { Charon, strongswanSkipReason } from "../support/strongswan";

const US = "198.18.4.1";
const THEM = "198.18.4.2";
const PSK = "flexlab-bench-psk";

export type SwanAuth = "psk" | "rsa";

/** Why charon cannot be measured here, or undefined. */
export function strongswanBenchSkipReason(): string | undefined {
  return netnsSkipReason() ?? strongswanSkipReason();
}

function ourConfig(auth: SwanAuth, group: number): string {
  const authLines =
    auth === "psk"
      ? ` match identity remote address ${THEM} 255.255.255.255\n authentication local pre-share\n authentication remote pre-share\n keyring local KR\n`
      : ` match identity remote fqdn swan.flexlab.test\n identity local fqdn flx.flexlab.test\n authentication local rsa-sig\n authentication remote rsa-sig\n pki trustpoint CA\n`;
  return `hostname FLX
crypto pki trustpoint CA
 enrollment url http://${THEM}:80
 subject-name CN=flx.flexlab.test,O=FlexLab
 revocation-check none
!
crypto ikev2 proposal PR
 encryption aes-cbc-256
 integrity sha256
 group ${group}
crypto ikev2 policy POL
 proposal PR
crypto ikev2 keyring KR
 peer SWAN
  address ${THEM}
  pre-shared-key ${PSK}
!
crypto ikev2 profile P
${authLines}!
crypto ipsec profile IP
 set ikev2-profile P
!
interface Ethernet0/0
 ip address ${US} 255.255.255.0
 no shutdown
!
interface Tunnel0
 ip address 192.168.78.1 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination ${THEM}
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile IP
!
end
`;
}

function swanctlConfig(auth: SwanAuth, group: number): string {
  const dh = group === 14 ? "modp2048" : "ecp256";
  const ends =
    auth === "psk"
      ? `    local {\n      auth = psk\n      id = ${THEM}\n    }\n    remote {\n      auth = psk\n      id = ${US}\n    }\n`
      : `    local {\n      auth = pubkey\n      certs = swan.pem\n      id = swan.flexlab.test\n    }\n    remote {\n      auth = pubkey\n      id = flx.flexlab.test\n      cacerts = ca.pem\n    }\n`;
  return `connections {
  flexlab {
    version = 2
    local_addrs = ${THEM}
    remote_addrs = ${US}
    proposals = aes256-sha256-${dh}
    encap = yes
${ends}    children {
      vti {
        mode = tunnel
        local_ts = 0.0.0.0/0
        remote_ts = 0.0.0.0/0
        esp_proposals = aes256gcm16,aes256-sha1,aes128-sha1
      }
    }
  }
}
secrets {
  ike-flexlab {
    id-1 = ${US}
    id-2 = ${THEM}
    secret = "${PSK}"
  }
}
`;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of `pid` in ms. The command name (field 2) may hold spaces: count from ')'. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Charon's responder CPU per IKE SA in ms, over `sas` SAs set up and deleted by our router. */
export async function measureStrongswan(name: string, auth: SwanAuth, group: number, sas: number): Promise<number> {
  const tag = `${name.slice(0, 3)}${process.pid % 10000}`;
  const link = VethLink.create({ ns: `flxb-${tag}-us`, ifname: `flxb${tag}u` }, { ns: `flxb-${tag}-sw`, ifname: `flxb${tag}s`, address: `${THEM}/24` });
  let charon: Charon | undefined;
  let router: NetnsRouter | undefined;
  try {
    charon = await Charon.start(link.b.ns, { quiet: true });
    const ca = makeTestCa("FlexLab Bench CA");
    const ours = issueTestCertificate(ca, ca, "CN=flx.flexlab.test,O=FlexLab", 2n, "flx.flexlab.test");
    const theirs = issueTestCertificate(ca, ca, "CN=swan.flexlab.test,O=FlexLab", 3n, "swan.flexlab.test");
    charon.load(swanctlConfig(auth, group), auth === "rsa" ? { "x509/swan.pem": theirs.certPem!, "pkcs8/swan.pem": theirs.keyPem!, "x509ca/ca.pem": ca.pem } : {});
    router = await NetnsRouter.start({ ns: link.a.ns, ports: { "Ethernet0/0": link.a.ifname }, config: ourConfig(auth, group), pki: auth === "rsa" ? [ours] : undefined });
    const r = router;
    const c = charon;
    const up = (what: string) =>
      waitFor(what, async () => ((await r.exec("show crypto ikev2 sa")).includes("READY") ? true : undefined), 20_000, 5).catch((err: Error) => {
        throw new Error(`${err.message}\nour log: ${r.log.slice(-20).join("\n")}\ncharon log: ${c.logText.slice(-3000)}`);
      });
    const cycle = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await r.exec("clear crypto ikev2 sa");
        await up(`IKE SA ${i + 1} of ${n} READY again`);
      }
    };
    await up("the first IKE SA READY");
    await cycle(5); // charon's and our caches warm
    const before = cpuMs(c.pid);
    await cycle(sas);
    const spent = cpuMs(c.pid) - before;
    const listed = c.swanctl("--list-sas");
    if ((listed.match(/ESTABLISHED/g) ?? []).length !== 1 || !listed.includes("INSTALLED")) throw new Error(`charon does not hold exactly one established SA with its child after the run:\n${listed}`);
    return spent / sas;
  } finally {
    await router?.close();
    await charon?.stop();
    link.close();
  }
}
