import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const installer = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../install.sh");
export const osReleaseFixture = (name: string): string =>
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "fixtures/os-release", name);

export type Tool = "node" | "pnpm" | "terraform" | "helm" | "kubectl" | "aws";
export const tools: readonly Tool[] = ["node", "pnpm", "terraform", "helm", "kubectl", "aws"];

/** A version from the pinned block at the top of install.sh, so tests follow the one place they are set. */
export function pinned(variable: string): string {
  const match = new RegExp(`^readonly ${variable}="([^"]+)"`, "m").exec(readFileSync(installer, "utf8"));
  if (!match?.[1]) throw new Error(`install.sh has no pinned ${variable}`);
  return match[1];
}

/**
 * A copy of install.sh, in `dir`, whose pinned values named in `pins` (e.g. KUBECTL_SHA256_AMD64) are
 * replaced: the fake releases the tests publish cannot have the real releases' hashes. The script
 * itself has no way to override a pin, on purpose.
 */
export function installerWithPins(dir: string, pins: Readonly<Record<string, string>>): string {
  let text = readFileSync(installer, "utf8");
  for (const [variable, value] of Object.entries(pins)) {
    const line = new RegExp(`^readonly ${variable}="[^"]*"`, "m");
    if (!line.test(text)) throw new Error(`install.sh has no pinned ${variable}`);
    text = text.replace(line, `readonly ${variable}="${value}"`);
  }
  const copy = path.join(dir, "install.sh");
  writeFileSync(copy, text, { mode: 0o755 });
  return copy;
}

export function runInstaller(args: readonly string[], env: NodeJS.ProcessEnv = {}, script = installer): SpawnSyncReturns<string> {
  return spawnSync("bash", [script, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

const resolved = new Map<string, string | undefined>();

/**
 * Where a command resolves on this machine's PATH, or undefined. Looked up once per command and PATH:
 * each toolbox links two dozen utilities, and a bash per lookup added seconds to the file.
 */
export function which(command: string, pathVariable = process.env.PATH ?? ""): string | undefined {
  const key = `${command}\0${pathVariable}`;
  if (!resolved.has(key)) resolved.set(key, lookUp(command, pathVariable));
  return resolved.get(key);
}

function lookUp(command: string, pathVariable: string): string | undefined {
  const result = spawnSync("bash", ["-c", 'command -v "$1"', "which", command], {
    encoding: "utf8",
    env: { ...process.env, PATH: pathVariable },
  });
  const found = result.stdout.trim();
  return result.status === 0 && found.startsWith("/") ? found : undefined;
}

/** The utilities install.sh itself uses; a toolbox PATH holds only these and the stubs. */
const systemUtilities = [
  "bash", "env", "sed", "awk", "sort", "head", "cat", "uname", "mktemp", "rm", "mkdir", "chmod", "cut",
  "sha256sum", "tar", "gzip", "xz", "unzip", "gpg", "install", "ln", "tr", "grep", "cp", "basename", "dirname",
];

export const missingSystemUtilities = (): string[] => systemUtilities.filter((u) => !which(u));

/** What each vendor's binary prints, so version parsing is tested against the real formats. */
const versionOutput: Record<Tool, (version: string) => string> = {
  node: (v) => `echo v${v}`,
  pnpm: (v) => `echo ${v}`,
  terraform: (v) => `printf 'Terraform v%s\\non linux_amd64\\n' ${v}`,
  helm: (v) => `echo v${v}`,
  kubectl: (v) =>
    `printf '{\\n  "clientVersion": {\\n    "major": "1",\\n    "gitVersion": "v%s",\\n    "platform": "linux/amd64"\\n  },\\n  "kustomizeVersion": "v5.7.1"\\n}\\n' ${v}`,
  aws: (v) => `echo "aws-cli/${v} Python/3.13.7 Linux/6.8.0 exe/x86_64.ubuntu.24" >&2`,
};

export function stubScript(tool: Tool, version: string): string {
  return `#!/usr/bin/env bash\n${versionOutput[tool](version)}\n`;
}

function writeExecutable(file: string, text: string): void {
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

export interface Toolbox {
  readonly dir: string;
  readonly bin: string;
  readonly downloads: string;
  readonly curlLog: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * A scratch PATH holding the system utilities, a stub per tool in `installed` (printing that
 * version), a curl that serves files from `downloads/` by URL basename and logs every URL, and
 * apt-get/dnf/sudo that fail, so nothing can touch the real system.
 */
export function makeToolbox(installed: Partial<Record<Tool, string>>): Toolbox {
  const dir = mkdtempSync(path.join(tmpdir(), "gpp-install-"));
  const bin = path.join(dir, "bin");
  const downloads = path.join(dir, "downloads");
  const curlLog = path.join(dir, "curl.log");
  mkdirSync(bin);
  mkdirSync(downloads);
  for (const utility of systemUtilities) {
    const target = which(utility);
    if (target) symlinkSync(target, path.join(bin, utility));
  }
  for (const [tool, version] of Object.entries(installed) as [Tool, string][]) {
    writeExecutable(path.join(bin, tool), stubScript(tool, version));
  }
  writeExecutable(
    path.join(bin, "curl"),
    `#!/usr/bin/env bash
out="" url=""
while (($#)); do case $1 in --output) out=$2; shift 2 ;; --proto|--retry) shift 2 ;; -*) shift ;; *) url=$1; shift ;; esac; done
echo "$url" >> "${curlLog}"
src="${downloads}/\${url##*/}"
[[ -f $src ]] || { echo "curl: (22) The requested URL returned error: 404" >&2; exit 22; }
cp "$src" "$out"
`,
  );
  for (const forbidden of ["apt-get", "dnf", "sudo"]) {
    writeExecutable(path.join(bin, forbidden), `#!/usr/bin/env bash\necho "test toolbox: ${forbidden} must not run" >&2\nexit 99\n`);
  }
  return {
    dir,
    bin,
    downloads,
    curlLog,
    env: {
      PATH: bin,
      INSTALL_PREFIX: path.join(dir, "prefix"),
      INSTALL_OS_RELEASE: osReleaseFixture("debian-12"),
      INSTALL_MACHINE: "x86_64",
    },
  };
}
