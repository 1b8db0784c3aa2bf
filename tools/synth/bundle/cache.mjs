// @ts-check
/**
 * The bundle cache, a folder git ignores: `manifest.json` names the current bundle by a key over every file
 * that went into it (see `buildBundle`), and `<key>.cjs` is the bundle. A run re-hashes those files, a few
 * milliseconds, and rebuilds only when one of them differs, so a fresh clone's first `pnpm synth` builds it
 * and later ones start at once.
 */
import { isAscii } from "node:buffer";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { buildBundle, sha256 } from "./build.mjs";

const MANIFEST = "manifest.json";

/**
 * @typedef {object} Bundle
 * @property {string} code the bundle's source
 * @property {string} file where it is (its stack traces name this file)
 * @property {string} codeCacheFile where V8's compiled code for it is kept (see `runBundle`)
 * @property {boolean} built whether this call had to build it
 */

/**
 * The key: the entry point, the repository's location (the bundle holds absolute paths to the real chart
 * and deployment files) and the hash of every covered file, in a fixed order.
 * @param {string} entry @param {string} root @param {Record<string, string>} files
 */
export const cacheKey = (entry, root, files) =>
  sha256(JSON.stringify({ entry: path.relative(root, entry), root, files: Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) }));

/** @param {string} root @param {readonly string[]} names */
function hashesNow(root, names) {
  /** @type {Record<string, string>} */
  const files = {};
  for (const name of names) {
    try {
      files[name] = sha256(readFileSync(path.join(root, name)));
    } catch {
      files[name] = "absent";
    }
  }
  return files;
}

/** Written beside the target and renamed over it, so a concurrent run never reads half a file. @param {string} file @param {string | Uint8Array} data */
export function writeAtomically(file, data) {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, data);
  renameSync(partial, file);
}

/** The cached bundle if every covered file is as it was when it was built, else undefined. @param {{ entry: string, root: string, cacheDir: string }} options */
function cachedBundle({ entry, root, cacheDir }) {
  let manifest;
  try {
    manifest = /** @type {{ key: string, files: Record<string, string> }} */ (JSON.parse(readFileSync(path.join(cacheDir, MANIFEST), "utf8")));
  } catch {
    return undefined;
  }
  if (cacheKey(entry, root, hashesNow(root, Object.keys(manifest.files))) !== manifest.key) return undefined;
  const file = path.join(cacheDir, `${manifest.key}.cjs`);
  try {
    const bytes = readFileSync(file);
    // An ASCII bundle (`asciiOnly`) is the same text read as latin1, without decoding UTF-8, and V8 keeps it in one byte a character.
    return { code: bytes.toString(isAscii(bytes) ? "latin1" : "utf8"), file, codeCacheFile: path.join(cacheDir, `${manifest.key}.v8cache`), built: false };
  } catch {
    return undefined; // removed by a concurrent rebuild: build again
  }
}

/**
 * The bundle of `entry`, built (and cached in `cacheDir`) when absent or stale.
 * @param {{ entry: string, root: string, cacheDir: string, log?: (line: string) => void }} options absolute paths
 * @returns {Promise<Bundle>}
 */
export async function ensureBundle({ entry, root, cacheDir, log = () => {} }) {
  const cached = cachedBundle({ entry, root, cacheDir });
  if (cached) return cached;
  const started = performance.now();
  const { code, files } = await buildBundle({ entry, root });
  const key = cacheKey(entry, root, files);
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `${key}.cjs`);
  writeAtomically(file, code);
  // The manifest last: it is what makes the new bundle current.
  writeAtomically(path.join(cacheDir, MANIFEST), `${JSON.stringify({ key, files }, null, 2)}\n`);
  for (const name of readdirSync(cacheDir)) {
    if (/\.(cjs|v8cache)$/.test(name) && !name.startsWith(`${key}.`)) rmSync(path.join(cacheDir, name), { force: true });
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(`bundled ${path.relative(root, entry)} in ${seconds} s; kept in ${path.relative(root, cacheDir)}/ until a source, package.json or the lockfile changes`);
  return { code, file, codeCacheFile: path.join(cacheDir, `${key}.v8cache`), built: true };
}
