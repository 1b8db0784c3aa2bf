import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repositoryRoot } from "../src/workflows";

/**
 * The layers the tree shows: `libs/` holds code the products share, the products (`iac`, `helm`, `srv`)
 * build on it, and `tools/` reads what the products synthesize. Dependencies run one way only:
 * libs <- products <- tools. Checked on both what each package declares and what its files import.
 */
const layerDirs = { libs: "libs", tools: "tools" } as const;
const PRODUCTS = ["iac", "helm", "srv"] as const;

interface Workspace {
  readonly dir: string;
  readonly name: string;
  readonly dependencies: string[];
}

function workspace(dir: string): Workspace {
  const pkg = JSON.parse(readFileSync(path.join(repositoryRoot, dir, "package.json"), "utf8")) as Record<string, Record<string, string> | string>;
  const dependencies = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"].flatMap((k) => Object.keys((pkg[k] as Record<string, string>) ?? {}));
  return { dir, name: String(pkg.name), dependencies };
}

function workspaces(folder: string): Workspace[] {
  return readdirSync(path.join(repositoryRoot, folder), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => workspace(path.join(folder, e.name)));
}

/** Every TypeScript and JavaScript file below `dir`, outside node_modules and output folders. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(repositoryRoot, dir), { withFileTypes: true })) {
    if (["node_modules", "cdktf.out", ".tools", "coverage"].includes(entry.name) || entry.name.startsWith(".")) continue;
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** Module specifiers of static imports, re-exports, dynamic imports and requires. */
function specifiers(file: string): string[] {
  const text = readFileSync(path.join(repositoryRoot, file), "utf8");
  const found: string[] = [];
  for (const pattern of [/\bfrom\s+["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g, /^\s*import\s+["']([^"']+)["']/gm]) {
    for (const match of text.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

const libs = workspaces(layerDirs.libs);
const tools = workspaces(layerDirs.tools);
const toolNames = tools.map((t) => t.name);

/** What an import names: a package (first segment, or scope/name) or, for a relative path, the layer folder it lands in. */
function target(file: string, specifier: string): string {
  if (specifier.startsWith(".")) {
    const resolved = path.relative(repositoryRoot, path.resolve(repositoryRoot, path.dirname(file), specifier));
    const [top] = resolved.split(path.sep);
    return top === layerDirs.tools ? `${layerDirs.tools}/` : (top ?? "");
  }
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

describe("the layers: libs <- iac, helm, srv <- tools", () => {
  it("finds the packages of each layer", () => {
    expect(libs.map((l) => l.name)).toEqual(expect.arrayContaining(["@gpp/deployment", "@gpp/stack"]));
    expect(toolNames).toEqual(expect.arrayContaining(["@gpp/synth", "@gpp/policy", "@gpp/cost"]));
  });

  it("no package in libs/ declares a dependency on a product or a tool", () => {
    const upward = libs.flatMap((l) => l.dependencies.filter((d) => [...PRODUCTS, ...toolNames].includes(d)).map((d) => `${l.dir} -> ${d}`));
    expect(upward).toEqual([]);
  });

  it("no product declares a dependency on a tool", () => {
    const upward = PRODUCTS.flatMap((p) => workspace(p).dependencies.filter((d) => toolNames.includes(d)).map((d) => `${p} -> ${d}`));
    expect(upward).toEqual([]);
  });

  it("no file in libs/ imports a product or a tool, by package name or by relative path", () => {
    const forbidden = new Set<string>([...PRODUCTS, ...toolNames, `${layerDirs.tools}/`]);
    const upward = libs.flatMap((l) =>
      sourceFiles(l.dir).flatMap((file) => specifiers(file).filter((s) => forbidden.has(target(file, s))).map((s) => `${file}: ${s}`)),
    );
    expect(upward).toEqual([]);
  });

  it("no file of a product imports a tool", () => {
    const forbidden = new Set<string>([...toolNames, `${layerDirs.tools}/`]);
    const upward = PRODUCTS.flatMap((p) => sourceFiles(p).flatMap((file) => specifiers(file).filter((s) => forbidden.has(target(file, s))).map((s) => `${file}: ${s}`)));
    expect(upward).toEqual([]);
  });
});
