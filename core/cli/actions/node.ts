// What the commands on one node of the running lab do, through its mgmt API: `exec`,
// `tables`, `config show|apply`, `capture`. Declared in ../commands/node.ts and config.ts.
import { writeFile } from "node:fs/promises";
import type { MgmtClient } from "../../api/mgmt-client";
import { TABLE_NAMES, TABLE_ROWS, formatEspSa, type EspKeyRow, type TableName } from "../../api/tables";
import { captureToFile } from "../../lab/capture";
import { readConfigFile } from "../../lab/config-file";
import { interfaceName } from "../../lab/running-lab";
import type { JsonOption, LabOption } from "../options";
import { formatRecords } from "../text-table";
import { fail, rejectedCommand, withNode } from "./lab-context";

function isTableName(name: string): name is TableName {
  return (TABLE_NAMES as readonly string[]).includes(name);
}

/** Resolves when the user presses Ctrl-C (and stops listening for it). */
function untilInterrupted(): { promise: Promise<void>; signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once("SIGINT", onSigint);
  const promise = new Promise<void>((resolve) => controller.signal.addEventListener("abort", () => resolve(), { once: true }));
  return { promise, signal: controller.signal, dispose: () => process.off("SIGINT", onSigint) };
}

/** Prints the output; exit 1 when the router rejected a command (`% Invalid input`, ...). */
export async function exec(node: string, command: string, options: LabOption & JsonOption & { timeout?: number }): Promise<void> {
  await withNode(options, node, async (client) => {
    const reply = await client.exec(command, options.timeout);
    if (!reply.ok) return fail(`${node}: ${reply.error.message}`);
    const { output } = reply.result;
    const rejected = rejectedCommand(output);
    if (options.json) process.stdout.write(JSON.stringify({ node, command, output, ...(rejected ? { rejected } : {}) }, null, 2) + "\n");
    else process.stdout.write(output);
    if (rejected) fail(`${node}: ${rejected}`);
  });
}

function printRows(table: TableName, rows: readonly object[], json: boolean): void {
  if (json) process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
  else if (rows.length === 0) process.stdout.write(`(no ${table})\n`);
  else process.stdout.write(formatRecords(rows as Record<string, unknown>[], Object.keys(TABLE_ROWS[table].shape)));
}

export async function tables(node: string, table: string | undefined, options: LabOption & { json?: boolean; watch?: boolean }): Promise<void> {
  if (table === undefined) {
    process.stdout.write(TABLE_NAMES.join("\n") + "\n");
    return;
  }
  if (!isTableName(table)) return fail(`no table "${table}" (tables: ${TABLE_NAMES.join(", ")})`, 2);
  await withNode(options, node, async (client) => {
    if (!options.watch) {
      const reply = await client.table(table);
      if (!reply.ok) return fail(`${node}: ${reply.error.message}`);
      printRows(table, reply.result, options.json === true);
      return;
    }
    const interrupt = untilInterrupted();
    const closed = new Promise<void>((resolve) => client.onClose(() => resolve()));
    const watch = await client.watchTable(table, (rows) => {
      if (!options.json) {
        const clear = process.stdout.isTTY ? "\x1b[H\x1b[2J" : "\n";
        process.stdout.write(`${clear}${node} ${table} at ${new Date().toLocaleTimeString()} (Ctrl-C to stop)\n`);
      }
      printRows(table, rows, options.json === true);
    });
    if (!watch.ok) {
      interrupt.dispose();
      return fail(`${node}: ${watch.error.message}`);
    }
    await Promise.race([interrupt.promise, closed]);
    interrupt.dispose();
    if (!client.closeInfo) await watch.result.stop();
  });
}

/** `config show NODE`: the running (or startup) config. */
export async function showConfig(node: string, options: LabOption & { startup?: boolean }): Promise<void> {
  await withNode(options, node, async (client) => {
    const reply = await client.call("config.get", { which: options.startup ? "startup" : "running" });
    if (!reply.ok) return fail(`${node}: ${reply.error.message}`);
    process.stdout.write(reply.result.text);
  });
}

/** `config apply NODE FILE`: merged line by line, or with --replace the whole config, which
 * the node refuses (changing nothing) when any line of the file is rejected. */
export async function applyConfig(node: string, file: string, options: LabOption & { replace?: boolean }): Promise<void> {
  const read = await readConfigFile(file);
  if (!read.ok) return fail(read.message);
  await withNode(options, node, async (client) => {
    const reply = await client.call("config.apply", { text: read.text, mode: options.replace ? "replace" : "merge" });
    if (!reply.ok) return fail(`${node}: ${reply.error.message}`);
    const rejected = reply.result.diagnostics.filter((d) => d.line > 0);
    for (const d of reply.result.diagnostics) console.error(d.line > 0 ? `${file}:${d.line}:${d.column}: ${d.message}` : `${node}: ${d.message}`);
    const n = rejected.length;
    const lines = `${n} line${n === 1 ? "" : "s"} rejected`;
    if (options.replace) console.error(n ? `${node}: running config unchanged: ${lines}; a replace takes a file without errors` : `${node}: replaced the running config`);
    else console.error(`${node}: merged into the running config${n ? `, ${lines}` : ""}`);
    if (n) process.exitCode = 1;
  });
}

/** The node's ESP keys (table esp-keys), or why not. */
async function espKeys(client: MgmtClient): Promise<EspKeyRow[] | string> {
  const reply = await client.table("esp-keys");
  return reply.ok ? reply.result : reply.error.message;
}

export async function capture(node: string, iface: string, options: LabOption & { write: string; count?: string; espKeys?: string }): Promise<void> {
  const count = options.count === undefined ? undefined : Number(options.count);
  if (count !== undefined && !(Number.isInteger(count) && count > 0)) return fail(`--count "${options.count}" is not a positive whole number`, 2);
  const name = interfaceName(iface);
  await withNode(options, node, async (client) => {
    // The keys of SAs alive when the capture starts and when it ends: a rekey during it is covered.
    const keysBefore = options.espKeys === undefined ? [] : await espKeys(client);
    if (typeof keysBefore === "string") return fail(`${node}: ${keysBefore}`);
    const interrupt = untilInterrupted();
    const live = process.stderr.isTTY;
    if (live) process.stderr.write(`capturing on ${node} ${name} into ${options.write} (Ctrl-C to stop)\n`);
    const result = await captureToFile(client, name, options.write, {
      signal: interrupt.signal,
      label: `${node} ${name}`,
      ...(count !== undefined ? { count } : {}),
      ...(live ? { onFrame: (n: number) => process.stderr.write(`\r${n} frame${n === 1 ? "" : "s"}`) } : {}),
    });
    interrupt.dispose();
    if (live) process.stderr.write("\r\x1b[2K");
    if (!result.ok) return fail(`${node} ${name}: ${result.message}`);
    const why = result.ended === "disconnected" ? " (the node went away)" : "";
    console.error(`${result.frames} frame${result.frames === 1 ? "" : "s"} captured on ${node} ${name} into ${options.write}${why}`);
    if (options.espKeys !== undefined) {
      const keysAfter = result.ended === "disconnected" ? [] : await espKeys(client);
      const rows = [...keysBefore, ...(typeof keysAfter === "string" ? [] : keysAfter)];
      const text = formatEspSa(rows);
      await writeFile(options.espKeys, text);
      const sas = text.split("\n").length - 1;
      console.error(`${sas} ESP SA${sas === 1 ? "" : "s"} written to ${options.espKeys} (Wireshark: Preferences > Protocols > ESP > ESP SAs, or tshark -o uat:esp_sa:LINE)`);
    }
  });
}
