// The labs the app can reach: the folder holding the open lab (its sibling labs) and the
// example labs shipped in the repository's labs/ as templates. The app opens one lab at a time
// (a LabService); opening another closes the service of the first, whose lab keeps running as
// after `flexlab up`, and tells every connection (lab-api-server.ts) to follow the new one.
import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { LabListing, LabView } from "../api/lab-api";
import { writeFileAtomic } from "../router/agent/storage";
import { editLabText } from "./lab-file-edit";
import { copyLabFolder } from "./lab-folder";
import { LabService, LabServiceError, type LabServiceOptions } from "./lab-service";
import { repoRoot } from "./repo-root";
import { readState } from "./runtime/state";
import { loadLab } from "./topology";

export interface LabWorkspaceOptions {
  /** Where the user's labs are; default the folder holding the first lab. */
  readonly labsDir?: string;
  /** Where the templates are; default the repository's labs/. */
  readonly templatesDir?: string;
  readonly service?: LabServiceOptions;
}

/** A folder holds this many labs at most, as far as the app lists them. */
const MAX_LISTED = 500;

async function labFolders(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const e of entries.filter((x) => x.isDirectory() && !x.name.startsWith(".")).slice(0, MAX_LISTED)) {
    const info = await stat(join(dir, e.name, "lab.yaml")).catch(() => undefined);
    if (info?.isFile()) found.push(join(dir, e.name));
  }
  return found.sort();
}

/** The first comment line of lab.yaml: what a template is about. */
async function summary(dir: string): Promise<string | undefined> {
  const text = await readFile(join(dir, "lab.yaml"), "utf8").catch(() => "");
  const first = /^#\s*(.+)$/m.exec(text.slice(0, 2000));
  return first?.[1].trim();
}

export class LabWorkspace {
  private readonly switchListeners = new Set<(service: LabService) => void>();
  readonly labsDir: string;
  readonly templatesDir: string;
  /** Opens and creates, one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private current: LabService,
    private readonly options: LabWorkspaceOptions = {},
  ) {
    this.labsDir = resolve(options.labsDir ?? dirname(current.dir));
    this.templatesDir = resolve(options.templatesDir ?? join(repoRoot(), "labs"));
  }

  static async open(dir: string, options: LabWorkspaceOptions = {}): Promise<LabWorkspace> {
    return new LabWorkspace(await LabService.open(dir, options.service ?? {}), options);
  }

  get service(): LabService {
    return this.current;
  }

  /** Calls `listener` with the new service whenever another lab is opened. */
  onSwitch(listener: (service: LabService) => void): () => void {
    this.switchListeners.add(listener);
    return () => this.switchListeners.delete(listener);
  }

  async list(): Promise<LabListing> {
    const labs = await Promise.all(
      (await labFolders(this.labsDir)).map(async (dir) => {
        try {
          const lab = await loadLab(dir);
          return { name: lab.name, dir, routers: lab.nodes.length, running: (await readState(dir)).ok };
        } catch (err) {
          return { name: basename(dir), dir, routers: 0, running: false, problem: err instanceof Error ? err.message.split("\n")[0] : String(err) };
        }
      }),
    );
    const templates = await Promise.all((await labFolders(this.templatesDir)).map(async (dir) => ({ name: basename(dir), ...optional("summary", await summary(dir)) })));
    return { current: this.current.dir, labsDir: this.labsDir, labs, templates };
  }

  /** Opens the lab in `dir`, one of those `list` gives. */
  openLab(dir: string): Promise<LabView> {
    return this.serially(async () => {
      const wanted = resolve(dir);
      if (!(await labFolders(this.labsDir)).includes(wanted)) throw new LabServiceError("not-found", `no lab folder ${dir} in ${this.labsDir}`);
      return this.switchTo(wanted);
    });
  }

  /** Makes `labsDir/NAME` from a template (its lab.yaml and configs, not its runs), names the lab NAME, opens it. */
  create(name: string, template: string): Promise<LabView> {
    return this.serially(async () => {
      const source = (await labFolders(this.templatesDir)).find((d) => basename(d) === template);
      if (!source) throw new LabServiceError("not-found", `no template "${template}" in ${this.templatesDir}`);
      const dest = join(this.labsDir, name);
      try {
        await mkdir(dest);
      } catch (err) {
        const exists = (err as NodeJS.ErrnoException).code === "EEXIST";
        throw new LabServiceError("failed", exists ? `${dest} exists already: pick another name` : `cannot make ${dest}: ${(err as Error).message}`);
      }
      try {
        await copyLabFolder(source, dest);
        const file = join(dest, "lab.yaml");
        await writeFileAtomic(file, editLabText(await readFile(file, "utf8"), { kind: "rename", name }, file, dest).text);
      } catch (err) {
        // Half a lab is no lab: the folder was made here, just now, so nothing else is in it.
        await rm(dest, { recursive: true, force: true });
        throw new LabServiceError("failed", `cannot make lab ${name} from ${template}: ${err instanceof Error ? err.message : String(err)}`);
      }
      return this.switchTo(dest);
    });
  }

  close(): void {
    this.current.close();
    this.switchListeners.clear();
  }

  private async switchTo(dir: string): Promise<LabView> {
    if (dir === resolve(this.current.dir)) return this.current.view();
    let next: LabService;
    try {
      next = await LabService.open(dir, this.options.service ?? {});
    } catch (err) {
      throw new LabServiceError("failed", err instanceof Error ? err.message : String(err));
    }
    const previous = this.current;
    this.current = next;
    previous.close();
    for (const listener of this.switchListeners) listener(next);
    return next.view();
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => {});
    return run;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
