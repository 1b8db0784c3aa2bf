import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { BundleError } from "../bundle/build.mjs";
import { ensureBundle } from "../bundle/cache.mjs";
import { runBundle } from "../bundle/run.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A repository of its own: a lockfile, a package and `src/main.ts` importing `./middle.ts`, which imports `./leaf.ts`. */
function fixture(extra: Record<string, string> = {}) {
  const root = mkdtempSync(path.join(tmpdir(), "gpp-bundle-"));
  scratch.push(root);
  const write = (name: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  };
  const files = {
    "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
    "package.json": '{ "name": "fixture", "type": "module" }\n',
    "src/main.ts": 'import { value } from "./middle";\nexport const result = value;\n',
    "src/middle.ts": 'export { value } from "./leaf";\n',
    "src/leaf.ts": "export const value: number = 1;\n",
    ...extra,
  };
  for (const [name, text] of Object.entries(files)) write(name, text);
  const options = { entry: path.join(root, "src/main.ts"), root, cacheDir: path.join(root, "node_modules/.cache/synth-bundle") };
  const run = async () => {
    const bundle = await ensureBundle(options);
    return { bundle, result: (runBundle(bundle).exports as { result: unknown }).result };
  };
  return { root, options, write, run };
}

describe("the synth bundle cache", () => {
  it("rebuilds when a module the entry imports only indirectly changes, and reuses the bundle while nothing does", async () => {
    const f = fixture();
    const first = await f.run();
    expect([first.bundle.built, first.result]).toEqual([true, 1]);
    const again = await f.run();
    expect([again.bundle.built, again.bundle.file, again.result]).toEqual([false, first.bundle.file, 1]);

    f.write("src/leaf.ts", "export const value: number = 2;\n");
    const changed = await f.run();
    expect([changed.bundle.built, changed.result]).toEqual([true, 2]);
    expect(changed.bundle.file).not.toBe(first.bundle.file);
    expect(existsSync(first.bundle.file)).toBe(false);
  });

  it("rebuilds when the lockfile (which stands for node_modules) or a bundled package's package.json or tsconfig.json changes", async () => {
    const f = fixture({ "tsconfig.json": "{}\n" });
    expect((await f.run()).bundle.built).toBe(true);
    for (const [name, text] of [
      ["pnpm-lock.yaml", "lockfileVersion: '9.0'\n\nimporters: {}\n"],
      ["package.json", '{ "name": "fixture", "type": "module", "dependencies": {} }\n'],
      ["tsconfig.json", '{ "compilerOptions": {} }\n'],
    ] as const) {
      f.write(name, text);
      expect((await f.run()).bundle.built, name).toBe(true);
      expect((await f.run()).bundle.built, name).toBe(false);
    }
  });

  it("keeps each module's own location: import.meta.url and __dirname name the real files, not the bundle", async () => {
    const f = fixture({
      "src/main.ts": 'import where from "./where";\nimport dependencyDir from "dep";\nexport const result = { where, dependencyDir, main: import.meta.url };\n',
      "src/where.ts": "export default import.meta.url;\n",
      "node_modules/dep/package.json": '{ "name": "dep", "main": "index.cjs" }\n',
      "node_modules/dep/index.cjs": "module.exports = __dirname;\n",
    });
    const { bundle, result } = await f.run();
    expect(bundle.file.startsWith(f.options.cacheDir)).toBe(true);
    expect(result).toEqual({
      where: pathToFileURL(path.join(f.root, "src/where.ts")).href,
      dependencyDir: path.join(f.root, "node_modules/dep"),
      main: pathToFileURL(path.join(f.root, "src/main.ts")).href,
    });
  });

  it("escapes non-ASCII characters of comments only, so the bundle means what the sources say, when built and when read from the cache", async () => {
    const text = "en dash \u2013, e acute \u00e9, emoji \u{1F600}";
    // esbuild keeps the comments of class members (luxon's examples are such), not every comment.
    const leaf = (code: string) => ({ "src/leaf.ts": `class Leaf {\n  /**\n   * a comment: ${text}\n   */\n  get value() {\n    return ${code};\n  }\n}\nexport const value = new Leaf().value;\n` });
    for (const [name, code, ascii] of [
      ["strings and templates", `{ plain: "${text}", template: \`${text}\` }`, true],
      // esbuild keeps a regular expression's characters: an escape would change its source.
      ["a regular expression", `{ pattern: /${text}/u.source, matches: /${text}/u.test("${text}") }`, false],
    ] as const) {
      const f = fixture(leaf(code));
      const expected = name === "a regular expression" ? { pattern: text, matches: true } : { plain: text, template: text };
      const built = await f.run();
      expect([built.bundle.built, built.result], name).toEqual([true, expected]);
      const bytes = readFileSync(built.bundle.file);
      expect(bytes.every((byte) => byte < 0x80), name).toBe(ascii);
      expect(bytes.toString("utf8"), name).toContain(" * a comment: en dash \\u2013");
      const cached = await f.run();
      expect([cached.bundle.built, cached.result], name).toEqual([false, expected]);
    }
  });

  it("holds no archiver for cdktf's fs.js, which zips in a child process: the real one is required on the first call", async () => {
    const f = fixture({
      "src/main.ts": 'import { zip } from "cdktf/lib/private/fs.js";\nexport const result = { loaded: () => (globalThis as { archiverLoaded?: true }).archiverLoaded === true, zip };\n',
      "node_modules/cdktf/package.json": '{ "name": "cdktf" }\n',
      "node_modules/cdktf/lib/private/fs.js": 'const archiver = require("archiver");\nexports.zip = (folder) => archiver("zip", folder);\n',
      "node_modules/archiver/package.json": '{ "name": "archiver", "main": "index.js" }\n',
      "node_modules/archiver/index.js": "globalThis.archiverLoaded = true;\nmodule.exports = (format, folder) => `${format} of ${folder} from ${__filename}`;\n",
    });
    const { bundle, result } = await f.run();
    const { loaded, zip } = result as { loaded: () => boolean; zip: (folder: string) => string };
    expect(readFileSync(bundle.file, "utf8")).not.toContain("globalThis.archiverLoaded = true");
    expect(loaded()).toBe(false);
    expect(zip("assets")).toBe(`zip of assets from ${path.join(f.root, "node_modules/archiver/index.js")}`);
    expect(loaded()).toBe(true);
    delete (globalThis as { archiverLoaded?: true }).archiverLoaded;
  });

  it("reports a source it cannot bundle as file:line:column and keeps the bundle it had", async () => {
    const f = fixture();
    await f.run();
    const before = readdirSync(f.options.cacheDir).map((name) => [name, readFileSync(path.join(f.options.cacheDir, name), "utf8")]);
    f.write("src/leaf.ts", "export const value: number = ;\n");
    const failure = ensureBundle(f.options);
    await expect(failure).rejects.toThrow(BundleError);
    await expect(failure).rejects.toThrow(new RegExp(`^${path.join(f.root, "src/leaf.ts").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:1:30: Unexpected ";"$`));
    expect(readdirSync(f.options.cacheDir).map((name) => [name, readFileSync(path.join(f.options.cacheDir, name), "utf8")])).toEqual(before);
  });
});

describe("running a bundle", () => {
  // Each run in a process of its own, as `pnpm synth` runs: within one process V8 reuses what it compiled.
  const runInChild = (bundle: { code: string; file: string; codeCacheFile: string }) => {
    const script = `import { runBundle } from ${JSON.stringify(pathToFileURL(path.join(here, "../bundle/run.mjs")).href)};
      import { readFileSync } from "node:fs";
      const [file, codeCacheFile] = process.argv.slice(1);
      process.stdout.write(runBundle({ code: readFileSync(file, "utf8"), file, codeCacheFile }).codeCache);`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script, bundle.file, bundle.codeCacheFile], { encoding: "utf8" });
    expect(child.status, child.stderr).toBe(0);
    return child.stdout;
  };

  it("keeps V8's compiled code beside the bundle: created on the first run, accepted afterwards, replaced when damaged", async () => {
    const bundle = await ensureBundle(fixture().options);
    expect(runInChild(bundle)).toBe("created");
    expect(existsSync(bundle.codeCacheFile)).toBe(true);
    expect(runInChild(bundle)).toBe("accepted");
    writeFileSync(bundle.codeCacheFile, "not V8's code cache");
    expect(runInChild(bundle)).toBe("rejected");
    expect(runInChild(bundle)).toBe("accepted");
  });
});
