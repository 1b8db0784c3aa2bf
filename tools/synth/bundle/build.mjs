// @ts-check
/**
 * Bundles the synth entry point and everything it imports (the stack code of iac and helm, cdktf, the
 * provider bindings) into one CommonJS file, so `pnpm synth` runs plain `node` instead of the cdktf CLI
 * and on-the-fly TypeScript. Plain JavaScript: it must run before anything is transpiled.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * A module's own location, which bundling would otherwise turn into the bundle's: `import.meta.url` (and
 * its `dirname`/`filename`) in ES modules, `__filename`/`__dirname` in CommonJS ones. helm's CHART_DIR and
 * the deployments folder are found this way, and cdktf runs its own fs.js as a child for archive assets.
 */
const OWN_LOCATION = /\bimport\.meta\.(url|dirname|filename)\b|(?<![\w$.])(__filename|__dirname)(?![\w$])/g;

/** @type {Readonly<Record<string, "ts" | "tsx" | "js" | "json">>} */
const LOADERS = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".js": "js", ".mjs": "js", ".cjs": "js", ".json": "json" };

/** Files beside the bundled ones that change what esbuild makes of them, besides their contents. */
const PACKAGE_CONFIG_FILES = ["package.json", "tsconfig.json"];
const ROOT_CONFIG_FILES = ["pnpm-lock.yaml", "tsconfig.base.json"];

/** A bundling that failed, e.g. on a syntax error in a source: one line per problem, `file:line:column: text`. */
export class BundleError extends Error {}

/** @param {string | Buffer} data */
export const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/** @param {string} file @param {string} root */
const isWorkspaceFile = (file, root) => file.startsWith(root + path.sep) && !file.split(path.sep).includes("node_modules");

/**
 * Replaces a module's references to its own location with string literals of its real path.
 * @param {string} text @param {string} file
 */
export function substituteOwnLocation(text, file) {
  return text.replace(OWN_LOCATION, (_match, meta, cjs) => {
    if (meta === "url") return JSON.stringify(pathToFileURL(file).href);
    if (meta === "dirname" || cjs === "__dirname") return JSON.stringify(path.dirname(file));
    return JSON.stringify(file);
  });
}

/** The folder of the package.json nearest to `file`, at or below `root`. @param {string} file @param {string} root */
function packageDir(file, root) {
  for (let dir = path.dirname(file); dir.startsWith(root); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (dir === root) break;
  }
  return root;
}

/**
 * Dependencies the bundle loads from node_modules when first called instead of holding them: `importer`
 * (the end of its path) requires `name`, and its module body never calls it. cdktf 0.21.0's private/fs.js
 * requires archiver (and with it some 40 modules: readable-stream, glob, lodash, zip-stream...) at load,
 * but zips an archive asset in a child process running its own fs.js; initialising them cost about 9 ms
 * a run. Should the bundle call it after all, it is the same archiver, required then.
 * @type {readonly { name: string, importer: string }[]}
 */
const LOADED_WHEN_CALLED = [{ name: "archiver", importer: path.join("cdktf", "lib", "private", "fs.js") }];

/** @type {import("esbuild").Plugin} */
const loadedWhenCalled = {
  name: "loaded-when-called",
  setup(context) {
    context.onResolve({ filter: /.*/ }, async (args) => {
      if (!LOADED_WHEN_CALLED.some(({ name, importer }) => args.path === name && args.importer.endsWith(path.sep + importer))) return undefined;
      const real = await context.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: { real: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: "loaded-when-called" };
    });
    context.onLoad({ filter: /.*/, namespace: "loaded-when-called" }, (args) => ({
      // A function that requires the real module (by its absolute path, at run time) on its first call.
      contents: `const file = ${JSON.stringify(args.path)};\nmodule.exports = function (...args) {\n  return require(file)(...args);\n};\n`,
      loader: "js",
    }));
  },
};

/**
 * @typedef {object} BuiltBundle
 * @property {string} code the CommonJS bundle
 * @property {Record<string, string>} files sha256 of every file the cache key covers, by path relative to `root`:
 *   the workspace sources exactly as they were bundled, the package.json and tsconfig.json of their packages,
 *   the lockfile (which stands for everything under node_modules) and this recipe
 */

/**
 * @param {{ entry: string, root: string }} options absolute paths: the TypeScript entry point and the
 *   repository root (where pnpm-lock.yaml is)
 * @returns {Promise<BuiltBundle>}
 */
export async function buildBundle({ entry, root }) {
  const { build } = await import("esbuild");
  /** @type {Record<string, string>} */
  const files = {};
  /** @type {Set<string>} */
  const packages = new Set();
  /** @type {import("esbuild").Plugin} */
  const ownLocation = {
    name: "own-location",
    setup(context) {
      context.onLoad({ filter: /.*/, namespace: "file" }, (args) => {
        const loader = LOADERS[path.extname(args.path)];
        const workspace = isWorkspaceFile(args.path, root);
        if (!loader && !workspace) return undefined;
        const bytes = readFileSync(args.path);
        if (workspace) {
          files[path.relative(root, args.path)] = sha256(bytes);
          packages.add(packageDir(args.path, root));
        }
        if (!loader) return undefined;
        const text = bytes.toString("utf8");
        const contents = substituteOwnLocation(text, args.path);
        // Unchanged dependencies are left to esbuild; workspace files are returned as they were hashed.
        if (contents === text && !workspace) return undefined;
        return { contents, loader, resolveDir: path.dirname(args.path) };
      });
    },
  };
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // No keepNames: esbuild gives some of the ~55 provider classes and zod's helpers a numeric suffix
    // (`AcmCertificate2`), and keepNames would put the source names back with a `__name` call for every
    // class and function at load, ~10 % of the run. Neither the stack code nor cdktf reads a class's name
    // into what is written or printed (the byte-identical test, and the refusals tested through the
    // launcher); only frames of a stack trace show the suffix.
    keepNames: false,
    write: false,
    logLevel: "silent",
    plugins: [loadedWhenCalled, ownLocation],
  }).catch((/** @type {unknown} */ error) => {
    const problems = /** @type {{ errors?: import("esbuild").Message[] }} */ (error).errors;
    if (!problems?.length) throw error;
    const where = (/** @type {import("esbuild").Message} */ m) => (m.location ? `${path.resolve(root, m.location.file)}:${m.location.line}:${m.location.column + 1}: ` : "");
    throw new BundleError(problems.map((m) => `${where(m)}${m.text}`).join("\n"));
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild wrote no output for ${entry}`);
  const config = new Set([...ROOT_CONFIG_FILES.map((name) => path.join(root, name)), ...[...packages].flatMap((dir) => PACKAGE_CONFIG_FILES.map((name) => path.join(dir, name)))]);
  for (const file of [...config, fileURLToPath(import.meta.url)]) {
    files[path.relative(root, file)] = existsSync(file) ? sha256(readFileSync(file)) : "absent";
  }
  return { code: asciiOnly(output.text), files };
}

/**
 * The bundle with the non-ASCII characters of its comment lines written as `\uXXXX` (inert there), so that
 * the launcher can read it as one-byte text (cache.mjs): faster to read, and half the memory of the two-byte
 * string V8 makes of text with a single non-ASCII character. esbuild escapes them in strings, templates and
 * names already, and keeps them in comments (luxon's examples) and regular expressions, whose `source` an
 * escape would change: a line is touched only when it starts as a comment line does (`//`, `/*`, `* `).
 * @param {string} text
 */
export const asciiOnly = (text) =>
  // eslint-disable-next-line no-control-regex -- a line with any character outside ASCII
  text.replace(/^[ \t]*(?:\/\/|\/\*|\*(?=[ \t/]|$)).*[^\x00-\x7f].*$/gm, (line) =>
    // eslint-disable-next-line no-control-regex -- each character outside ASCII
    line.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
  );
