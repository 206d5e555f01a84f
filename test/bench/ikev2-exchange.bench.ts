// IKEv2 responder CPU per IKE SA: IKE_SA_INIT, IKE_AUTH with one child SA (installed into
// IPsec), and the INFORMATIONAL delete, as a FlexVPN hub or a site-to-site responder pays
// for each peer. Two routers in the harness; only the time inside the responder's IKE
// receive path is counted (parsing, DH, AUTH, signing, key derivation, ESP install, sending
// the reply down its stack), not the initiator's. Rows: pre-shared keys with ECP-256, RSA
// signatures with ECP-256, RSA signatures with MODP-2048; AES-CBC-256 and SHA-256 throughout.
// Where strongSwan is installed, each row also measures charon as the responder of the same
// proposal (ikev2-strongswan.ts) and prints `<row>.strongswan` and `<row>.vs-strongswan`
// (ours / charon's); elsewhere a line says why it was skipped.
import { Simulation } from "../../core/router/sim/harness";
import { issueTestCertificate, makeTestCa } from "../../core/router/sim/lab-certs";
import { ikev2Subsystem } from "../../core/router/ikev2/subsystem";
import type { IkeEngine } from "../../core/router/ikev2/engine";
import { ipv4 } from "../../core/router/wire/addr";
import type { Benchmark, Figure } from "./bench";
import { measureStrongswan, strongswanBenchSkipReason } from "./ikev2-strongswan";

type Auth = "psk" | "rsa";

/** Both sides are responder-only: the bench starts each SA itself, never the tunnel. */
function config(name: string, me: number, peer: number, auth: Auth, group: number): string {
  const authLines =
    auth === "psk"
      ? ` authentication local pre-share\n authentication remote pre-share\n keyring local KR\n`
      : ` identity local fqdn ${name}.lab.example\n authentication local rsa-sig\n authentication remote rsa-sig\n pki trustpoint CA\n`;
  return `hostname ${name}
crypto pki trustpoint CA
 enrollment url http://10.0.12.9:80
 revocation-check none
crypto ikev2 proposal PR
 encryption aes-cbc-256
 integrity sha256
 group ${group}
crypto ikev2 policy POL
 proposal PR
crypto ikev2 keyring KR
 peer P
  address 10.0.12.${peer}
  pre-shared-key bench-secret
crypto ikev2 profile P
 match identity remote address 10.0.12.${peer} 255.255.255.255
 match identity remote fqdn domain lab.example
${authLines}crypto ipsec profile IP
 set ikev2-profile P
 responder-only
interface Ethernet0/0
 ip address 10.0.12.${me} 255.255.255.0
interface Tunnel0
 ip address 192.168.0.${me} 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination 10.0.12.${peer}
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile IP
end
`;
}

function measure(auth: Auth, group: number, sas: number): number {
  const ca = makeTestCa("Bench CA");
  const pki = auth === "rsa" ? { I: [issueTestCertificate(ca, ca, "CN=I.lab.example,O=Lab", 2n, "I.lab.example")], R: [issueTestCertificate(ca, ca, "CN=R.lab.example,O=Lab", 3n, "R.lab.example")] } : undefined;
  const sim = new Simulation({
    nodes: { I: config("I", 1, 2, auth, group), R: config("R", 2, 1, auth, group) },
    links: [[{ node: "I", iface: "Ethernet0/0" }, { node: "R", iface: "Ethernet0/0" }]],
    pki: (node) => pki?.[node as "I" | "R"] ?? [],
  });
  try {
    sim.advance(1_000);
    const initiator: IkeEngine = sim.node("I").router.subsystem(ikev2Subsystem).engine;
    const responder: IkeEngine = sim.node("R").router.subsystem(ikev2Subsystem).engine;
    let spentNs = 0n;
    const receive = responder.receive.bind(responder);
    responder.receive = (...args: Parameters<IkeEngine["receive"]>) => {
      const t0 = process.hrtime.bigint();
      receive(...args);
      spentNs += process.hrtime.bigint() - t0;
    };
    const request = { tunnel: "Tunnel0", ikev2Profile: "P", ipsecProfile: "IP", fvrf: undefined, local: ipv4(10, 0, 12, 1), remote: ipv4(10, 0, 12, 2), vti: true, wantsAddress: false };
    const run = (n: number): void => {
      for (let i = 0; i < n; i++) {
        const sa = initiator.initiate(request);
        sim.advance(50);
        if (sa.state !== "established" || sa.children.length !== 1) throw new Error(`SA ${i} did not come up (${sa.state}): ${[...sim.node("I").log, ...sim.node("R").log].map((l) => l.text).join("; ")}`);
        initiator.delete(sa);
        sim.advance(50);
        if (responder.sas().length !== 0) throw new Error("the responder kept a deleted SA");
      }
    };
    run(5); // warm up the JIT
    let best = Infinity;
    for (let trial = 0; trial < 3; trial++) {
      spentNs = 0n;
      run(sas);
      best = Math.min(best, Number(spentNs) / 1e6 / sas);
    }
    return best;
  } finally {
    sim.close();
  }
}

const row = (name: string, auth: Auth, group: number, sas: number): Benchmark => ({
  name: `ikev2.responder.${name}`,
  async run(): Promise<Figure[]> {
    const figure = `ikev2.responder.${name}`;
    const ours = measure(auth, group, sas);
    const skip = strongswanBenchSkipReason();
    if (skip) {
      console.log(`bench ${figure}.strongswan skipped: ${skip}`);
      return [{ name: figure, value: ours, unit: "ms" }];
    }
    const theirs = await measureStrongswan(name, auth, group, sas);
    return [
      { name: figure, value: ours, unit: "ms" },
      { name: `${figure}.strongswan`, value: theirs, unit: "ms" },
      { name: `${figure}.vs-strongswan`, value: ours / theirs, unit: "ratio" },
    ];
  },
});

const benchmarks: Benchmark[] = [row("psk-ecp256", "psk", 19, 200), row("rsa-ecp256", "rsa", 19, 100), row("rsa-modp2048", "rsa", 14, 100)];
export default benchmarks;
