// Commands on one node of the running lab, through its mgmt API: `exec`, `tables`,
// `config NODE`, `capture`.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { TABLE_NAMES, TABLE_ROWS, type TableName } from "../../api/tables";
import { captureToFile } from "../../lab/capture";
import { interfaceName } from "../../lab/running-lab";
import { fail, withLabOption, withNode, type LabOption } from "../lab-context";
import { formatRecords } from "../text-table";

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

async function exec(node: string, command: string, options: LabOption & { timeout?: string }): Promise<void> {
  const timeoutMs = options.timeout === undefined ? undefined : Math.round(Number(options.timeout) * 1000);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) return fail(`--timeout "${options.timeout}" is not a number of seconds`, 2);
  await withNode(options, node, async (client) => {
    const reply = await client.exec(command, timeoutMs);
    if (!reply.ok) return fail(`${node}: ${reply.error.message}`);
    process.stdout.write(reply.result.output);
  });
}

function printRows(table: TableName, rows: readonly object[], json: boolean): void {
  if (json) process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
  else if (rows.length === 0) process.stdout.write(`(no ${table})\n`);
  else process.stdout.write(formatRecords(rows as Record<string, unknown>[], Object.keys(TABLE_ROWS[table].shape)));
}

async function tables(node: string, table: string | undefined, options: LabOption & { json?: boolean; watch?: boolean }): Promise<void> {
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

async function config(node: string | undefined, options: LabOption & { apply?: string; replace?: boolean; startup?: boolean }, command: Command): Promise<void> {
  if (node === undefined) return void command.help();
  let text: string | undefined;
  if (options.apply !== undefined) {
    try {
      text = await readFile(options.apply, "utf8");
    } catch (err) {
      return fail(`cannot read ${options.apply}: ${(err as Error).message}`);
    }
  }
  await withNode(options, node, async (client) => {
    if (text === undefined) {
      const reply = await client.call("config.get", { which: options.startup ? "startup" : "running" });
      if (!reply.ok) return fail(`${node}: ${reply.error.message}`);
      process.stdout.write(reply.result.text);
      return;
    }
    const reply = await client.call("config.apply", { text, mode: options.replace ? "replace" : "merge" });
    if (!reply.ok) return fail(`${node}: ${reply.error.message}`);
    for (const d of reply.result.diagnostics) console.error(`${options.apply}:${d.line}:${d.column}: ${d.message}`);
    const n = reply.result.diagnostics.length;
    console.error(`${node}: ${options.replace ? "replaced the running config" : "merged into the running config"}${n ? `, ${n} line${n === 1 ? "" : "s"} rejected` : ""}`);
    if (n) process.exitCode = 1;
  });
}

async function capture(node: string, iface: string, options: LabOption & { write: string; count?: string }): Promise<void> {
  const count = options.count === undefined ? undefined : Number(options.count);
  if (count !== undefined && !(Number.isInteger(count) && count > 0)) return fail(`--count "${options.count}" is not a positive whole number`, 2);
  const name = interfaceName(iface);
  await withNode(options, node, async (client) => {
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
  });
}

export function registerNodeCommands(program: Command): void {
  withLabOption(program.command("exec").description("Run an exec command on a node (privileged exec) and print its output").argument("<node>").argument("<command>", "e.g. \"show ip route\"; several separated by newlines"))
    .option("--timeout <seconds>", "give up after this long")
    .action(exec);
  withLabOption(program.command("tables").description("A node's tables as data (without TABLE: the table names)").argument("<node>").argument("[table]", TABLE_NAMES.join(", ")))
    .option("--json", "print JSON rows")
    .option("--watch", "print again whenever the table changes, until Ctrl-C")
    .action(tables);
  // `config` already holds `config check`: the node form is the same command with an argument.
  const configCommand = (program.commands.find((c) => c.name() === "config") ?? program.command("config")).description(
    "Work with IOS configurations; with NODE: print (or --apply a file to) a running node's config",
  );
  withLabOption(configCommand.argument("[node]", "a node of the running lab: print its running-config"))
    .option("--apply <file>", "merge this file's lines into the node's running config")
    .option("--replace", "with --apply: the file becomes the whole running config")
    .option("--startup", "print the startup-config instead")
    .action(config);
  withLabOption(program.command("capture").description("Capture an interface's frames into a pcapng file").argument("<node>").argument("<iface>", "e.g. Ethernet0/0 or e0/0"))
    .requiredOption("-w, --write <file>", "the pcapng file to write")
    .option("--count <n>", "stop after n frames")
    .action(capture);
}
