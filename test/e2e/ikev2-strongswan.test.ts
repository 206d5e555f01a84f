// Interop with strongSwan's charon (issue 11 item 8): our router runs as its own process in one
// network namespace, its Ethernet0/0 a packet socket on a veth end there; charon runs in a
// second namespace on the other end. A static VTI (`tunnel mode ipsec ipv4`) with pre-shared
// keys and IOS smart defaults on our side (AES-CBC-256, SHA-512, ECP-256 for IKE; esp-gcm 256
// for ESP); charon configured to match, with selectors 0.0.0.0/0 both ways as a VTI proposes.
// The kernel has no ESP, so charon's IPsec is kernel-libipsec, which needs `encap = yes`:
// charon fakes its NAT detection hashes, we see a NAT, float to UDP 4500 and send ESP in UDP
// (RFC 3948). Our router initiates; a ping from our LAN loopback to an address on charon's
// lo crosses the tunnel both ways (charon's return goes through its TUN device, ipsec0). Then
// the same with RSA certificates from one CA, and charon's certificate from a foreign CA
// refused with IOS's log lines and AUTHENTICATION_FAILED sent to charon.
// Addresses are from 198.18.0.0/15 (the link) and 10.x (the LANs); nothing leaves the
// namespaces. Needs root, iproute2, python3, the packet-socket addon and strongSwan (`.ci/run`
// installs it).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_TSHARK, tsharkFields } from "../../core/router/wire/testdata/tshark";
import { NetnsCapture, VethLink, ip, netnsSkipReason } from "../support/netns";
import { NetnsRouter, waitFor } from "../support/netns-router";
import { issueTestCertificate, makeTestCa } from "../../core/router/sim/lab-certs";
import type { TrustpointMaterial } from "../../core/router/pki/store";
import { Charon, strongswanSkipReason } from "../support/strongswan";

const skip = netnsSkipReason() ?? strongswanSkipReason();
const tag = String(process.pid % 10000);
const CAPTURE = HAS_TSHARK && NetnsCapture.hasDumpcap();

const US = "198.18.2.1";
const THEM = "198.18.2.2";
const OUR_LAN = "10.55.1.1";
const THEIR_LAN = "10.66.1.1";
const PSK = "flexlab-interop-psk";

const OUR_CONFIG = `hostname FLX
crypto ikev2 keyring KR
 peer SWAN
  address ${THEM}
  pre-shared-key ${PSK}
!
crypto ikev2 profile P
 match identity remote address ${THEM} 255.255.255.255
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
!
crypto ipsec profile IP
 set ikev2-profile P
!
interface Loopback0
 ip address ${OUR_LAN} 255.255.255.0
!
interface Ethernet0/0
 ip address ${US} 255.255.255.0
 no shutdown
!
interface Tunnel0
 ip address 192.168.77.1 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination ${THEM}
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile IP
!
ip route 10.66.1.0 255.255.255.0 Tunnel0
!
end
`;

const SWANCTL_CONF = `connections {
  flexlab {
    version = 2
    local_addrs = ${THEM}
    remote_addrs = ${US}
    proposals = aes256-sha512-ecp256
    encap = yes
    local {
      auth = psk
      id = ${THEM}
    }
    remote {
      auth = psk
      id = ${US}
    }
    children {
      vti {
        mode = tunnel
        local_ts = 0.0.0.0/0
        remote_ts = 0.0.0.0/0
        esp_proposals = aes256gcm16
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

/** Charon in one namespace with `swanctl` (and `credentials`) loaded, our router in the other. */
interface Pair {
  readonly link: VethLink;
  readonly charon: Charon;
  readonly router: NetnsRouter;
  close(): Promise<void>;
}

async function startPair(name: string, ourConfig: string, swanctl: string, credentials: Record<string, string> = {}, pki?: TrustpointMaterial[], captureFile?: string, charonOptions: { fragmentSize?: number } = {}): Promise<Pair & { capture: NetnsCapture | undefined }> {
  const link = VethLink.create({ ns: `flx-${name}-us-${tag}`, ifname: `flx${name}u${tag}` }, { ns: `flx-${name}-sw-${tag}`, ifname: `flx${name}s${tag}`, address: `${THEM}/24` });
  let charon: Charon | undefined;
  let capture: NetnsCapture | undefined;
  try {
    ip("-n", link.b.ns, "addr", "add", `${THEIR_LAN}/32`, "dev", "lo");
    charon = await Charon.start(link.b.ns, charonOptions);
    // kernel-libipsec made its TUN device at start; our LAN is behind it (libipsec adds its
    // own 0.0.0.0/0 route in table 220 with the child SA; this one gives replies their source)
    await waitFor("charon's ipsec0", () => (ip("-n", link.b.ns, "link", "show").includes("ipsec0") ? true : undefined), 10_000, 50);
    ip("-n", link.b.ns, "route", "add", "10.55.1.0/24", "dev", "ipsec0", "src", THEIR_LAN);
    charon.load(swanctl, credentials);
    if (captureFile) capture = await NetnsCapture.start(link.b.ns, link.b.ifname, captureFile);
    const router = await NetnsRouter.start({ ns: link.a.ns, ports: { "Ethernet0/0": link.a.ifname }, config: ourConfig, pki });
    const started = charon;
    return {
      link,
      charon,
      router,
      capture,
      async close() {
        await router.close();
        await started.stop();
        await capture?.stop();
        link.close();
      },
    };
  } catch (err) {
    await capture?.stop();
    await charon?.stop();
    link.close();
    throw err;
  }
}

/** Waits for our IKE SA READY and charon's ESTABLISHED with an INSTALLED child; both sides' logs in the error otherwise. */
async function bothUp(pair: Pair): Promise<void> {
  await waitFor(
    "the IKE SA READY on our side and ESTABLISHED with an INSTALLED child on charon's",
    async () => {
      const ours = await pair.router.exec("show crypto ikev2 sa");
      const theirs = pair.charon.swanctl("--list-sas");
      return ours.includes("READY") && /ESTABLISHED/.test(theirs) && /INSTALLED/.test(theirs) ? true : undefined;
    },
    30_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\nour log: ${pair.router.log.join("\n")}\nour stderr: ${pair.router.errors}\ncharon log: ${pair.charon.logText.slice(-6000)}`);
  });
}

describe.skipIf(skip !== undefined)(`IKEv2 and ESP with strongSwan's charon over a veth pair${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let pair: Pair;
  let charon: Charon;
  let router: NetnsRouter;
  let capture: NetnsCapture | undefined;
  const dir = mkdtempSync(join(tmpdir(), "flexlab-ikev2-strongswan-"));
  const file = join(dir, "veth.pcapng");

  beforeAll(async () => {
    const started = await startPair("ss", OUR_CONFIG, SWANCTL_CONF, {}, undefined, CAPTURE ? file : undefined);
    ({ charon, router, capture } = started);
    pair = started;
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("brings up the IKE SA and the child SA, both sides agreeing, over UDP 4500", async () => {
    await bothUp(pair);
    const ours = await router.exec("show crypto ikev2 sa");
    // Our row names charon's address and port 4500: both sides saw a NAT (charon's faked hashes).
    expect(ours).toMatch(new RegExp(`${US.replace(/\./g, "\\.")}/4500\\s+${THEM.replace(/\./g, "\\.")}/4500`));
    expect(ours).toContain("AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:19");
    const theirs = charon.swanctl("--list-sas");
    expect(theirs).toContain(`local  '${THEM}' @ ${THEM}[4500]`);
    expect(theirs).toContain(`remote '${US}' @ ${US}[4500]`);
    expect(theirs).toContain("AES_CBC-256/HMAC_SHA2_512_256/PRF_HMAC_SHA2_512/ECP_256");
    expect(theirs).toMatch(/vti: #\d+, reqid \d+, INSTALLED, TUNNEL-in-UDP, ESP:AES_GCM_16-256/);
    expect(theirs).toContain("local  0.0.0.0/0");
    expect(theirs).toContain("remote 0.0.0.0/0");
  }, 60_000);

  it("passes a ping from our LAN to charon's through ESP in UDP, counted on both sides", async () => {
    const out = await router.exec(`ping ${THEIR_LAN} source Loopback0`);
    expect(out, `${out}\ncharon log: ${charon.logText.slice(-4000)}`).toContain("Success rate is 100 percent (5/5)");
    const sa = await router.exec("show crypto ipsec sa");
    expect(sa).toMatch(/#pkts encaps: [5-9]/);
    expect(sa).toMatch(/#pkts decaps: [5-9]/);
    const theirs = charon.swanctl("--list-sas");
    // "in  c1a2b3c4 (-|0x…),    420 bytes,     5 packets"
    expect(theirs).toMatch(/in\s+[0-9a-f]{8}[^\n]*,\s+[5-9] packets/);
    expect(theirs).toMatch(/out\s+[0-9a-f]{8}[^\n]*,\s+[5-9] packets/);
  }, 60_000);

  it.skipIf(!CAPTURE)(`put IKE_SA_INIT on UDP 500, IKE_AUTH and ESP on UDP 4500, and no bare ESP on the veth${CAPTURE ? "" : " (skipped: tshark or dumpcap is missing)"}`, async () => {
    const fields = ["udp.srcport", "udp.dstport", "isakmp.exchangetype", "esp.spi", "ip.proto"];
    // dumpcap hands packets over a ring block at a time (on a timeout): wait until the echoes
    // are in its file before stopping it, or the last block is lost
    await waitFor("the echoes' ESP in the capture", () => (tsharkFields(file, fields, "esp").length >= 10 ? true : undefined), 10_000, 250);
    await capture!.stop();
    const rows = tsharkFields(file, fields, "ip");
    const ike500 = rows.filter((r) => r[0] === "500" && r[1] === "500");
    expect(ike500.map((r) => r[2])).toEqual(["34", "34"]); // IKE_SA_INIT request and response
    const nat = rows.filter((r) => r[0] === "4500" && r[1] === "4500");
    expect(nat.filter((r) => r[2] === "35").length).toBe(2); // IKE_AUTH, behind the non-ESP marker
    const esp = nat.filter((r) => r[3] !== "");
    expect(esp.length, JSON.stringify(rows)).toBeGreaterThanOrEqual(10); // five echoes there, five replies back
    expect(new Set(esp.map((r) => r[3])).size).toBe(2); // one SPI each way
    expect(rows.filter((r) => r[4] === "50")).toEqual([]);
  }, 30_000);

  it("answers charon's rekey of the child SA (CREATE_CHILD_SA, charon initiating) and carries traffic on the new SAs", async () => {
    const spis = (text: string): string[] => [...text.matchAll(/^\s+(?:in|out)\s+([0-9a-f]{8})/gm)].map((m) => m[1]);
    const before = spis(charon.swanctl("--list-sas"));
    expect(before).toHaveLength(2);
    charon.swanctl("--rekey", "--child", "vti");
    const after = await waitFor("the rekeyed child SA on charon's side", () => {
      const now = spis(charon.swanctl("--list-sas"));
      return now.length === 2 && now.every((spi) => !before.includes(spi)) ? now : undefined;
    }, 15_000).catch((err: Error) => {
      throw new Error(`${err.message}\ncharon log: ${charon.logText.slice(-4000)}`);
    });
    const out = await router.exec(`ping ${THEIR_LAN} source Loopback0`);
    expect(out, `${out}\ncharon log: ${charon.logText.slice(-4000)}`).toContain("Success rate is 100 percent (5/5)");
    // charon's new inbound SPI is our outbound one
    const outbound = /current outbound spi: 0x([0-9a-f]+)/i.exec(await router.exec("show crypto ipsec sa"));
    expect(parseInt(outbound?.[1] ?? "", 16)).toBe(parseInt(after[0], 16));
  }, 60_000);

  it("answers charon's rekey of the IKE SA and keeps the child SA", async () => {
    const ikeSpis = (text: string): string | undefined => /flexlab: #\d+, ESTABLISHED, IKEv2, ([0-9a-f]{16}_i\*? [0-9a-f]{16}_r\*?)/.exec(text)?.[1];
    const before = ikeSpis(charon.swanctl("--list-sas"));
    expect(before).toBeDefined();
    charon.swanctl("--rekey", "--ike", "flexlab");
    const after = await waitFor("the rekeyed IKE SA on charon's side", () => {
      const text = charon.swanctl("--list-sas");
      const now = ikeSpis(text);
      return now !== undefined && now !== before && (text.match(/ESTABLISHED/g) ?? []).length === 1 ? now : undefined;
    }, 15_000).catch((err: Error) => {
      throw new Error(`${err.message}\ncharon log: ${charon.logText.slice(-4000)}`);
    });
    // charon initiated the rekey, so it is the new SA's initiator: its SPI is the _i one
    const ours = await router.exec("show crypto ikev2 sa detailed");
    expect(ours).toContain("READY");
    expect(ours.toLowerCase()).toContain(after.slice(0, 16));
    expect(await router.exec(`ping ${THEIR_LAN} source Loopback0`)).toContain("Success rate is 100 percent (5/5)");
  }, 60_000);

  it("tells charon when we clear the IKE SA, and comes back up", async () => {
    expect(await router.exec("clear crypto ikev2 sa")).toBe("");
    await waitFor("charon's SA deleted", () => (/received DELETE for IKE_SA/.test(charon.logText) ? true : undefined), 10_000).catch((err: Error) => {
      throw new Error(`${err.message}\nour log: ${router.log.join("\n")}\ncharon log: ${charon.logText.split("\n").filter((l) => !l.includes("vici")).slice(-60).join("\n")}`);
    });
    await bothUp(pair);
    expect(await router.exec(`ping ${THEIR_LAN} source Loopback0`)).toContain("Success rate is 100 percent (5/5)");
  }, 60_000);
});

// The same tunnel authenticated with RSA signatures: one CA (made here) issues our certificate
// (handed to our router as its trustpoint's material, as the lab PKI does) and charon's; each
// side checks the other's chain to that CA and its identity (FQDNs, in the certificates'
// subjectAltName).
const OUR_CERT_CONFIG = `hostname FLX
crypto pki trustpoint CA
 enrollment url http://${THEM}:80
 subject-name CN=flx.flexlab.test,O=FlexLab
 revocation-check crl none
!
crypto ikev2 profile P
 match identity remote fqdn swan.flexlab.test
 identity local fqdn flx.flexlab.test
 authentication local rsa-sig
 authentication remote rsa-sig
 pki trustpoint CA
!
crypto ipsec profile IP
 set ikev2-profile P
!
interface Loopback0
 ip address ${OUR_LAN} 255.255.255.0
!
interface Ethernet0/0
 ip address ${US} 255.255.255.0
 no shutdown
!
interface Tunnel0
 ip address 192.168.77.1 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination ${THEM}
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile IP
!
ip route 10.66.1.0 255.255.255.0 Tunnel0
!
end
`;

const SWANCTL_CERT_CONF = `connections {
  flexlab {
    version = 2
    local_addrs = ${THEM}
    remote_addrs = ${US}
    proposals = aes256-sha512-ecp256
    encap = yes
    local {
      auth = pubkey
      certs = swan.pem
      id = swan.flexlab.test
    }
    remote {
      auth = pubkey
      id = flx.flexlab.test
      cacerts = ca.pem
    }
    children {
      vti {
        mode = tunnel
        local_ts = 0.0.0.0/0
        remote_ts = 0.0.0.0/0
        esp_proposals = aes256gcm16
      }
    }
  }
}
`;

describe.skipIf(skip !== undefined)(`IKEv2 with certificates and strongSwan's charon over a veth pair${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let pair: Pair;

  beforeAll(async () => {
    const ca = makeTestCa("FlexLab Interop CA");
    const ours = issueTestCertificate(ca, ca, "CN=flx.flexlab.test,O=FlexLab", 2n, "flx.flexlab.test");
    const theirs = issueTestCertificate(ca, ca, "CN=swan.flexlab.test,O=FlexLab", 3n, "swan.flexlab.test");
    pair = await startPair("sc", OUR_CERT_CONFIG, SWANCTL_CERT_CONF, { "x509/swan.pem": theirs.certPem!, "pkcs8/swan.pem": theirs.keyPem!, "x509ca/ca.pem": ca.pem }, [ours]);
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  }, 30_000);

  it("authenticates both ways with RSA signatures from one CA and passes a ping", async () => {
    await bothUp(pair);
    expect(await pair.router.exec("show crypto ikev2 sa")).toMatch(/Auth sign: RSA, Auth verify: RSA/);
    const theirs = pair.charon.swanctl("--list-sas");
    expect(theirs).toContain(`local  'swan.flexlab.test' @ ${THEM}[4500]`);
    expect(theirs).toContain(`remote 'flx.flexlab.test' @ ${US}[4500]`);
    expect(pair.charon.logText).toMatch(/authentication of 'flx\.flexlab\.test' with RSA[^\n]* successful/);
    const out = await pair.router.exec(`ping ${THEIR_LAN} source Loopback0`);
    expect(out, `${out}\ncharon log: ${pair.charon.logText.slice(-4000)}`).toContain("Success rate is 100 percent (5/5)");
  }, 60_000);
});

// The certificate exchange again, both IKE_AUTH messages in RFC 7383 fragments: our router
// with `crypto ikev2 fragmentation mtu 576`, charon with `fragmentation = yes` and IKE
// fragments of at most 576 bytes. Each side reassembles the other's.
describe.skipIf(skip !== undefined)(`IKEv2 with certificates in RFC 7383 fragments and strongSwan's charon${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let pair: Pair;

  beforeAll(async () => {
    const ca = makeTestCa("FlexLab Interop CA");
    const ours = issueTestCertificate(ca, ca, "CN=flx.flexlab.test,O=FlexLab", 2n, "flx.flexlab.test");
    const theirs = issueTestCertificate(ca, ca, "CN=swan.flexlab.test,O=FlexLab", 3n, "swan.flexlab.test");
    const config = OUR_CERT_CONFIG.replace("crypto pki trustpoint CA\n", "crypto ikev2 fragmentation mtu 576\ncrypto pki trustpoint CA\n");
    const swanctl = SWANCTL_CERT_CONF.replace("    encap = yes\n", "    encap = yes\n    fragmentation = yes\n");
    pair = await startPair("sg", config, swanctl, { "x509/swan.pem": theirs.certPem!, "pkcs8/swan.pem": theirs.keyPem!, "x509ca/ca.pem": ca.pem }, [ours], undefined, { fragmentSize: 576 });
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  }, 30_000);

  it("authenticates with both certificate IKE_AUTH messages fragmented, each side reassembling the other's", async () => {
    await bothUp(pair);
    const detail = await pair.router.exec("show crypto ikev2 sa detailed");
    expect(detail).toContain("IETF Std Fragmentation MTU in use: 576 bytes.");
    expect(detail).toMatch(/Auth sign: RSA, Auth verify: RSA/);
    const stats = await pair.router.exec("show crypto ikev2 stats");
    expect(stats).toMatch(/IKEv2 fragments sent: [1-9]\d*, received: [1-9]\d*, messages reassembled: [1-9]\d*, fragments dropped: 0/);
    // Charon reassembled ours and fragmented its own.
    expect(pair.charon.logText).toMatch(/reassembled fragmented IKE message/);
    expect(pair.charon.logText).toMatch(/splitting IKE message .* into \d+ fragments/);
    const out = await pair.router.exec(`ping ${THEIR_LAN} source Loopback0`);
    expect(out, `${out}\ncharon log: ${pair.charon.logText.slice(-4000)}`).toContain("Success rate is 100 percent (5/5)");
  }, 60_000);
});

describe.skipIf(skip !== undefined)(`IKEv2 refusing strongSwan's certificate from a foreign CA${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let pair: Pair;

  beforeAll(async () => {
    const ca = makeTestCa("FlexLab Interop CA");
    const foreign = makeTestCa("Somebody Else's CA");
    const ours = issueTestCertificate(ca, ca, "CN=flx.flexlab.test,O=FlexLab", 2n, "flx.flexlab.test");
    const theirs = issueTestCertificate(foreign, foreign, "CN=swan.flexlab.test,O=FlexLab", 3n, "swan.flexlab.test");
    pair = await startPair("sf", OUR_CERT_CONFIG, SWANCTL_CERT_CONF, { "x509/swan.pem": theirs.certPem!, "pkcs8/swan.pem": theirs.keyPem!, "x509ca/ca.pem": ca.pem }, [ours]);
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  }, 30_000);

  it("does not bring the SA up and says why, as IOS does", async () => {
    await waitFor("our refusal of charon's certificate", () => (pair.router.log.some((l) => l.includes("%PKI-3-CERTIFICATE_INVALID_UNAUTHORIZED")) ? true : undefined), 20_000).catch((err: Error) => {
      throw new Error(`${err.message}\nour log: ${pair.router.log.join("\n")}\ncharon log: ${pair.charon.logText.slice(-4000)}`);
    });
    expect(await pair.router.exec("show crypto ikev2 sa")).not.toContain("READY");
    // Charon (the responder) had finished its side; RFC 7296 §2.21.2: we tell it in a separate
    // INFORMATIONAL with AUTHENTICATION_FAILED, and it deletes the SA.
    await waitFor("charon told and its SA gone", () => (/INFORMATIONAL request \d+ \[ N\(AUTH_FAILED\) \]/.test(pair.charon.logText) && !pair.charon.swanctl("--list-sas").includes("ESTABLISHED") ? true : undefined), 10_000);
    expect(await pair.router.exec(`ping ${THEIR_LAN} source Loopback0 repeat 1`)).toContain("Success rate is 0 percent (0/1)");
  }, 60_000);
});
