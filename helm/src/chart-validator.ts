/**
 * The chart's values.schema.json as a validator, compiled by ajv once per schema and kept as a module.
 *
 * Compiling the schema costs about 95 ms a process, and loading ajv's compiler about 35 ms more; the code ajv
 * makes is built with `new Function` at run time, so no code cache covers it. ajv's own standalone code
 * generation (`ajv/dist/standalone`) writes that code out as a CommonJS module instead: it is kept in a folder
 * git ignores, keyed by the schema's bytes, ajv's version and the options, and a later process only evaluates
 * it (a few milliseconds) without loading ajv at all. The errors are ajv's own: the module is the code
 * `ajv.compile` would have run.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { writeFileAtomically } from "@gpp/files/atomic-write";
import type { ErrorObject } from "ajv";

/** What the chart's schema is checked with: ajv's validate function, compiled or loaded from the cache. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

// Not `require`: a call of a bound name is left alone by esbuild, so ajv is loaded (from helm's own
// node_modules) only when a schema has to be compiled, in the synth bundle as under tsx.
const requireFromHelm = createRequire(import.meta.url);

/** The options helm validates values with (every error, not only the first; unknown keywords refused). */
export const AJV_OPTIONS = { allErrors: true, strict: true } as const;

/** node_modules/.cache: ignored by git and ESLint; a reinstall that clears it costs one compilation. */
export const VALIDATOR_CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../node_modules/.cache/chart-validator");

const sha256 = (data: string): string => createHash("sha256").update(data).digest("hex");

/** The cache key: the schema's bytes, the ajv version that compiles them and the options it is given. */
export function validatorCacheKey(schemaText: string): string {
  const { version } = requireFromHelm("ajv/package.json") as { version: string };
  return sha256(JSON.stringify({ schema: sha256(schemaText), ajv: version, options: AJV_OPTIONS }));
}

/** A cached module's first line: the hash of the rest, so a truncated or damaged file is never run. */
const HEADER = /^\/\/ sha256:([0-9a-f]{64})\n/;

function loadCached(file: string): SchemaValidator | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const header = HEADER.exec(text);
  const code = text.slice(header?.[0].length ?? 0);
  if (!header || sha256(code) !== header[1]) return undefined;
  try {
    const module: { exports: unknown } = { exports: {} };
    vm.compileFunction(code, ["exports", "require", "module"], { filename: file })(module.exports, requireFromHelm, module);
    return typeof module.exports === "function" ? (module.exports as SchemaValidator) : undefined;
  } catch {
    return undefined;
  }
}

/** Compiles with ajv exactly as helm always has, and returns the validator with its standalone module. */
export function compileValidator(schema: object): { validate: SchemaValidator; code: string } {
  const { Ajv } = requireFromHelm("ajv") as typeof import("ajv");
  const standaloneCode = (requireFromHelm("ajv/dist/standalone") as typeof import("ajv/dist/standalone")).default;
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const validate = ajv.compile(schema);
  return { validate, code: standaloneCode(ajv, validate) };
}

/**
 * The validator of `schemaText` (a JSON Schema's bytes): the cached module of its key, or, when there is none
 * or it cannot be used (absent, damaged, not a function), compiled and cached anew. A cache that cannot be
 * written costs only the compilation.
 */
export function loadSchemaValidator(schemaText: string, cacheDir: string = VALIDATOR_CACHE_DIR): { validate: SchemaValidator; from: "cache" | "compiled" } {
  const key = validatorCacheKey(schemaText);
  const file = path.join(cacheDir, `${key}.cjs`);
  const cached = loadCached(file);
  if (cached) return { validate: cached, from: "cache" };
  const { validate, code } = compileValidator(JSON.parse(schemaText) as object);
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Whole or not at all: a concurrent process never reads half a module.
    writeFileAtomically(file, `// sha256:${sha256(code)}\n${code}`);
    // Modules of earlier schemas are never read again.
    for (const name of readdirSync(cacheDir)) {
      if (name.endsWith(".cjs") && name !== `${key}.cjs`) rmSync(path.join(cacheDir, name), { force: true });
    }
  } catch {
    // A read-only checkout validates all the same; it only compiles every time.
  }
  return { validate, from: "compiled" };
}
