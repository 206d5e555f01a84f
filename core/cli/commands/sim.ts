// `flexlab sim LABDIR [--advance DURATION] --exec 'NODE: COMMAND' ... [--capture NODE:IFACE=FILE ... [--esp-keys FILE]]`. Declaration only:
// ../actions/sim.ts brings the whole router stack, loaded when the command runs.
import { Option, type Command } from "commander";
import { DURATION_FORMAT, durationArg, withExamples, withJsonOption, type JsonOption } from "../options";

/** A day of virtual time: far beyond any convergence, still a bound. */
const MAX_ADVANCE_MS = 86_400_000;

export function registerSim(program: Command): void {
  const sim = program
    .command("sim")
    .summary("Run a lab in virtual time, in this process, and exec commands on its nodes")
    .description("Run a lab in virtual time inside this process, then run exec commands on its nodes; exit 1 on a config error or a rejected command")
    .argument("[labdir]", "lab folder (holding lab.yaml); the current folder when left out", ".")
    .addOption(new Option("--advance <duration>", `virtual time to let the lab settle, at most (${DURATION_FORMAT})`).argParser(durationArg(0, MAX_ADVANCE_MS)).default(60_000, "60s"))
    .option("--exec <spec>", "'NODE: COMMAND' to run in privileged exec (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--check", "after the commands, grade the lab against its checks (a score card; exit 1 when any fails)")
    .option("--capture <spec>", "'NODE:IFACE=FILE': capture a port from boot, or a Tunnel/Virtual-Access (packets in clear), into a pcapng file (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--esp-keys <file>", "with --capture, also write the captured nodes' ESP keys in Wireshark's esp_sa format, so captured ESP decrypts");
  withExamples(withJsonOption(sim), ["flexlab sim labs/two-routers --exec 'R1: ping 10.0.12.2'", "flexlab sim labs/mpls-over-flexvpn --advance 2m --exec 'R1-HUB: show ip bgp vpnv4 all labels' --json", "flexlab sim labs/exercise-flexvpn-spokes --check", "flexlab sim labs/mpls-over-flexvpn --exec 'R4-Spoke: ping vrf cust1 192.168.110.1 source Loopback100' --capture R4-Spoke:e0/0=r4.pcapng --capture R4-Spoke:Tu0=r4-tunnel.pcapng --esp-keys esp_sa"]).action(
    async (labdir: string, options: JsonOption & { advance: number; exec: string[]; check?: boolean; capture: string[]; espKeys?: string }) => (await import("../actions/sim")).sim(labdir, options),
  );
}
