// Commands on one node of the running lab: `exec`, `tables`, `console`, `capture`.
// Declarations only; ../actions/node.ts and console.ts do the work, loaded when one runs.
import type { Command } from "commander";
import { DURATION_FORMAT, durationArg, withExamples, withJsonOption, withLabOption, type JsonOption, type LabOption } from "../options";

const actions = () => import("../actions/node");

/** The mgmt API's longest exec. */
const MAX_EXEC_MS = 3_600_000;

export function registerNodeCommands(program: Command): void {
  const exec = withLabOption(
    program
      .command("exec")
      .summary("Run exec commands on a node and print their output")
      .description("Run exec commands on a node (privileged exec) and print their output; exit 1 when the router rejects one (% Invalid input, % Incomplete, % Ambiguous)")
      .argument("<node>")
      .argument("<command>", 'e.g. "show ip route"; several separated by newlines'),
  ).option("--timeout <duration>", `give up after this long (${DURATION_FORMAT})`, durationArg(1, MAX_EXEC_MS));
  withExamples(withJsonOption(exec), ['flexlab exec R4-Spoke "ping 172.16.0.1"', "flexlab exec R1-HUB \"show ip bgp vpnv4 all\" --json", "flexlab exec R1-HUB \"$(printf 'show clock\\nshow version')\""]).action(
    async (node: string, command: string, options: LabOption & JsonOption & { timeout?: number }) => (await actions()).exec(node, command, options),
  );

  const tables = withLabOption(program.command("tables").description("A node's tables as data, the rows behind its show commands (without TABLE: the table names)").argument("<node>").argument("[table]", "a table name"))
    .option("--json", "print JSON rows")
    .option("--watch", "print again whenever the table changes, until Ctrl-C");
  withExamples(tables, ["flexlab tables R1-HUB", "flexlab tables R1-HUB routes --json", "flexlab tables R1-HUB interfaces --watch"]).action(
    async (node: string, table: string | undefined, options: LabOption & { json?: boolean; watch?: boolean }) => (await actions()).tables(node, table, options),
  );

  const consoleCommand = withLabOption(program.command("console").description("Open a node's console (telnet) in this terminal; Ctrl-] then q to leave").argument("<node>"));
  withExamples(consoleCommand, ["flexlab console R1-HUB"]).action(async (node: string, options: LabOption) => (await import("../actions/console")).consoleCommand(node, options));

  const capture = withLabOption(program.command("capture").description("Capture an interface's frames into a pcapng file (opens in Wireshark)").argument("<node>").argument("<iface>", "e.g. Ethernet0/0 or e0/0"))
    .requiredOption("-w, --write <file>", "the pcapng file to write")
    .option("--count <n>", "stop after n frames")
    .option("--esp-keys <file>", "also write the node's ESP keys in Wireshark's esp_sa format, so captured ESP decrypts");
  withExamples(capture, ["flexlab capture R1-HUB Ethernet0/0 -w hub.pcapng --count 20", "flexlab capture R1-HUB Ethernet0/0 -w hub.pcapng --esp-keys esp_sa"]).action(async (node: string, iface: string, options: LabOption & { write: string; count?: string; espKeys?: string }) =>
    (await actions()).capture(node, iface, options),
  );
}
