// Lint rules, including ARCHITECTURE.md's layer table: each `layer` below says which
// folders a folder may import from. A wrong-way import fails `npm test` with a message
// naming the rule it breaks.
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import { builtinModules } from "node:module";

const PROTOCOLS = ["bgp", "ikev2", "ipsec", "pki", "nhrp", "tunnel", "cdp"];
/** The one file of node/ below it may see: the Subsystem interface a protocol plugs in through. */
const SUBSYSTEM = "core/router/node/subsystem.ts";
/** The table row schemas (pure zod, browser-safe): the one definition of each table's rows,
 * which the router layers that build or format a table may import. Nothing else of core/api. */
const TABLE_SCHEMAS = "core/api/tables.ts";
/** The one Result type (a type only, browser-safe), for the router layers that return one. */
const RESULT = "core/api/result.ts";
/** The one atomic file write (and the startup-config file built on it): Node-side, needed by
 * the agent and by the lab (state file, PKI, the sim runtime's write memory). Nothing else of
 * core/router/agent. */
const ATOMIC_WRITE = "core/router/agent/storage.ts";
/** The learning bridge's MAC table: the simulation's hubs and the lab daemon's UDP bridges
 * share it. Nothing else of core/router/io. */
const MAC_TABLE = "core/router/io/mac-table.ts";
/** The router's linear IOS regex (pure, no imports): an exercise check's patterns are the
 * patterns a student types after `| include`, matched without backtracking. */
const IOS_REGEX = "core/router/cli/regex.ts";
/** Protocols meet through each other's published instances (`router.subsystem(x)`): the
 * subsystem file and the types it publishes (README of core/router/node). Nothing else of a
 * sibling protocol. */
const PUBLISHED = ["core/router/pki/subsystem.ts", "core/router/pki/store.ts", "core/router/ipsec/subsystem.ts", "core/router/ipsec/sa.ts", "core/router/ikev2/subsystem.ts"];
/** Link impairment with netem's meaning (pure, no imports): the sim's links, the lab daemon's
 * bridges and the agents' ports apply this one model. */
const LINK_IMPAIRMENT = "core/router/io/impair.ts";
const TOP = ["core", "electron", "renderer", "images", "build", "test", "labs"];

/** What each folder may import from (project folders only; packages are checked apart). */
const LAYERS = {
  "core/router/wire": [],
  "core/router/clock": [],
  "core/router/io": ["core/router/wire", "core/router/clock"],
  "core/router/mpls": ["core/router/wire", "core/router/clock", TABLE_SCHEMAS],
  "core/router/net": ["core/router/wire", "core/router/io", "core/router/mpls", "core/router/clock", TABLE_SCHEMAS],
  "core/router/routing": ["core/router/wire", "core/router/io", "core/router/net", "core/router/mpls", "core/router/clock", "core/router/config", SUBSYSTEM, TABLE_SCHEMAS],
  "core/router/config": ["core/router/wire", RESULT],
  ...Object.fromEntries(
    PROTOCOLS.map((p) => [
      `core/router/${p}`,
      [...["wire", "io", "net", "mpls", "routing", "clock", "config"].map((l) => `core/router/${l}`), SUBSYSTEM, TABLE_SCHEMAS, ...PUBLISHED.filter((f) => !f.startsWith(`core/router/${p}/`))],
    ]),
  ),
  "core/router/node": [...["wire", "io", "clock", "net", "mpls", "routing", "config", ...PROTOCOLS].map((l) => `core/router/${l}`), TABLE_SCHEMAS],
  "core/router/cli": ["core/router", TABLE_SCHEMAS],
  "core/router/sim": ["core/router", TABLE_SCHEMAS],
  "core/router/agent": ["core/router", "core/api"],
  "core/api": [],
  "core/lab": ["core/api", "core/router/config", "core/router/sim", "core/router/wire", "core/router/pki", ATOMIC_WRITE, MAC_TABLE, IOS_REGEX, LINK_IMPAIRMENT],
  "core/cli": ["core/lab", "core/api"],
  electron: ["core/lab", "core/api"],
  renderer: ["core/api", "core/router/config"],
};

/** Turns LAYERS into import-x/no-restricted-paths zones: for each target, every project
 * folder not on its list (and not itself) is forbidden; a file on the list is an exception
 * inside its forbidden folder. */
function layerZones() {
  const zones = [];
  for (const [target, allowed] of Object.entries(LAYERS)) {
    const ok = [target, ...allowed];
    const message = `ARCHITECTURE.md layer rule: ${target}/ may import ${allowed.length ? "only " + allowed.map((a) => (a.endsWith(".ts") ? a : a + "/")).join(", ") : "nothing outside itself"}.`;
    for (const top of TOP) {
      const inside = ok.filter((p) => p === top || p.startsWith(top + "/")).map((p) => "./" + p.slice(top.length + 1));
      if (ok.includes(top)) continue;
      zones.push({ target: `./${target}`, from: `./${top}`, except: inside.filter((p) => p !== "./"), message });
    }
  }
  return zones;
}

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const browserSafe = {
  "no-restricted-imports": [
    "error",
    {
      paths: nodeBuiltins.map((name) => ({ name, message: "Browser-safe layer (ARCHITECTURE.md): no Node APIs here." })),
      patterns: [{ group: ["electron", "electron/*"], message: "Browser-safe layer (ARCHITECTURE.md): no Electron modules here." }],
    },
  ],
};

const clockRule = "ARCHITECTURE.md clock contract: core/router asks the router's Clock, never the wall clock or global timers.";

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "**/build/Release/**", "images/router/packet-socket/build/**", "coverage/**"] },
  ...tseslint.configs.recommended,
  {
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
    },
    rules: {
      "import-x/no-restricted-paths": ["error", { zones: layerZones() }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // The renderer's JSX is Vue's h() (tsconfig.json's jsxFactory): an `h` import is used by it.
    files: ["renderer/**/*.tsx"],
    languageOptions: { parserOptions: { jsxPragma: "h", jsxFragmentName: "Fragment" } },
  },
  {
    files: ["core/router/wire/**", "core/router/config/**", "core/api/**", "renderer/**"],
    ignores: ["**/*.test.ts", "**/testdata/**"], // tests run under Node and may use it (tshark, temp files)
    rules: browserSafe,
  },
  {
    files: ["core/router/**/*.ts"],
    ignores: ["core/router/clock/real.ts", "core/router/agent/**", "core/router/**/*.test.ts"],
    rules: {
      "no-restricted-globals": ["error", ...["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval"].map((name) => ({ name, message: clockRule }))],
      "no-restricted-properties": ["error", { object: "Date", property: "now", message: clockRule }, { object: "performance", property: "now", message: clockRule }],
    },
  },
  { files: ["**/*.js", "**/*.mjs", "**/*.cjs"], rules: { "@typescript-eslint/no-require-imports": "off" } },
);
