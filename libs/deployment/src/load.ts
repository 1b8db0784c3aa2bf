import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import type { z } from "zod";
import { defaultVpcCidr, freeVpcCidr, overlaps, parseIpv4Cidr } from "./cidr";
import { revisionProblem } from "./gitops";
import { deploymentFileSchema, resolveDeployment, type Deployment } from "./schema";

export interface Problem {
  /** Dotted path of the offending field, e.g. `network.private_subnets[1]`; `(file)` for the file as a whole. */
  readonly field: string;
  readonly message: string;
}

/** Bad deployment input. The message names every file and field at fault, one per line. */
export class DeploymentError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly Problem[],
  ) {
    super(problems.map((p) => `${file}: ${p.field}: ${p.message}`).join("\n"));
    this.name = "DeploymentError";
  }
}

/** Several files at fault: every problem of every file, so one run shows them all. */
export class DeploymentsError extends Error {
  constructor(readonly errors: readonly DeploymentError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "DeploymentsError";
  }
}

export function formatField(fieldPath: readonly PropertyKey[]): string {
  if (fieldPath.length === 0) return "(file)";
  return fieldPath
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => {
    const field = formatField(issue.path);
    if (issue.code === "unrecognized_keys") {
      return { field: formatField([...issue.path, issue.keys[0] ?? ""]), message: `unknown field (allowed fields are in docs/deployments.md); unknown: ${issue.keys.join(", ")}` };
    }
    if (issue.code === "invalid_key") {
      // A record key failed its own check: report that check's words, not zod's summary.
      return { field, message: issue.issues.map((inner) => inner.message).join("; ") };
    }
    return { field, message: issue.message };
  });
}

/**
 * How deep a descriptor may nest. The deepest real path is a tenant's chart values (`tenants[i].values.a.b.c`,
 * about 8 levels); anything far deeper is a mistake or an attack, refused before validation recurses into it.
 */
export const MAX_NESTING_DEPTH = 32;
/** YAML aliases one descriptor may expand (the yaml library's own guard against "billion laughs" bombs). */
export const MAX_YAML_ALIASES = 100;

/** The path of the first value nested deeper than MAX_NESTING_DEPTH, or undefined. Iterative: no stack to overflow. */
function tooDeep(root: unknown): (string | number)[] | undefined {
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (pending.length > 0) {
    const { value, path: at } = pending.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (at.length >= MAX_NESTING_DEPTH) return at;
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    for (const [key, child] of entries) pending.push({ value: child, path: [...at, key] });
  }
  return undefined;
}

/** Parses and validates one descriptor's text; `file` is only used to name it in errors. */
export function parseDeployment(text: string, file: string): Deployment {
  const syntax = (message: string) => new DeploymentError(file, [{ field: "(syntax)", message }]);
  let raw: unknown;
  try {
    const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      // The parser reports running out of stack on absurd nesting as one of its own errors.
      if (doc.errors.some((e) => /call stack/i.test(e.message))) throw new RangeError("nesting");
      throw new DeploymentError(
        file,
        doc.errors.map((e) => ({ field: "(syntax)", message: e.message.split("\n")[0] ?? e.message })),
      );
    }
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    if (error instanceof DeploymentError) throw error;
    // The yaml library signals an alias bomb with a ReferenceError and runs out of stack on absurd nesting.
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw syntax(`expands YAML aliases more than ${MAX_YAML_ALIASES} times (a "billion laughs" document): write the values out`);
    }
    if (error instanceof RangeError) throw syntax(`is nested too deeply to read (more than ${MAX_NESTING_DEPTH} levels are refused)`);
    throw syntax(`cannot be read as YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new DeploymentError(file, [{ field: "(file)", message: "must be a mapping with deployment_id, env and region" }]);
  }
  const deep = tooDeep(raw);
  if (deep) {
    throw new DeploymentError(file, [{ field: formatField(deep), message: `is nested more than ${MAX_NESTING_DEPTH} levels deep: no descriptor field needs that` }]);
  }
  const parsed = deploymentFileSchema.safeParse(raw);
  if (!parsed.success) throw new DeploymentError(file, zodProblems(parsed.error));
  const { deployment, issues } = resolveDeployment(parsed.data, file);
  if (!deployment) {
    throw new DeploymentError(file, issues.map((i) => ({ field: formatField(i.path), message: i.message })));
  }
  return deployment;
}

export function loadDeploymentFile(file: string): Deployment {
  let text: string;
  try {
    // A named pipe or device would block the read forever, a folder fails obscurely: only regular files are read.
    const stats = statSync(file);
    if (!stats.isFile()) {
      throw new DeploymentError(file, [{ field: "(file)", message: `is not a regular file (${kindOf(stats)}): a descriptor must be a plain file` }]);
    }
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof DeploymentError) throw error;
    throw new DeploymentError(file, [{ field: "(file)", message: `cannot be read: ${(error as Error).message}` }]);
  }
  return parseDeployment(text, file);
}

function kindOf(stats: import("node:fs").Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a named pipe";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "not a file";
}

/** A descriptor's name: `<deployment_id>.yaml`, `.yml` or `.json`, extension in lower case. */
const DESCRIPTOR = /\.(ya?ml|json)$/;
/** Anything that looks like one, in any case: `gpp1.YAML` must not be skipped without a word. */
const DESCRIPTOR_LIKE = /\.(ya?ml|json)$/i;

/**
 * Loads every descriptor in `dir` (one file per deployment, named `<deployment_id>.yaml`), or only
 * the one whose id is `only`. Throws one error listing every problem in every file it reads.
 *
 * One rule for the folder: every entry whose name ends in .yaml, .yml or .json (in any case) and does
 * not start with "." is a descriptor, and a descriptor that cannot be used is refused, never skipped.
 * A narrowed run (`only`) checks only the files named for that id, so another deployment's broken
 * descriptor never blocks it; the others are read only for the check across deployments (overlapping
 * VPCs), skipping any that cannot be read, so a file is refused for the same reason either way. An
 * unnarrowed run (what CI runs) checks them all.
 */
export function loadDeployments(dir: string, only?: string): Deployment[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => !n.startsWith(".") && DESCRIPTOR_LIKE.test(n))
      .sort();
  } catch (error) {
    throw new DeploymentError(dir, [{ field: "(folder)", message: `cannot be read: ${(error as Error).message}` }]);
  }
  const stem = (name: string) => name.replace(DESCRIPTOR_LIKE, "");
  const errors: DeploymentError[] = [];
  const byId = new Map<string, string>();
  const deployments: Deployment[] = [];
  const present = names.map(stem);
  const all = names;
  if (only !== undefined) names = names.filter((n) => stem(n).toLowerCase() === only.toLowerCase());
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      if (!DESCRIPTOR.test(name)) {
        const fixed = name.replace(DESCRIPTOR_LIKE, (ext) => ext.toLowerCase());
        throw new DeploymentError(file, [{ field: "(file)", message: `has an upper-case extension, which the loader would otherwise skip: rename it ${fixed}` }]);
      }
      const deployment = loadDeploymentFile(file);
      const other = byId.get(deployment.deployment_id);
      if (other) {
        throw new DeploymentError(file, [{ field: "deployment_id", message: `duplicate deployment id "${deployment.deployment_id}", also used by ${other}` }]);
      }
      if (stem(name) !== deployment.deployment_id) {
        throw new DeploymentError(file, [{ field: "deployment_id", message: `"${deployment.deployment_id}" must match the file name (${name} should be ${deployment.deployment_id}.yaml)` }]);
      }
      byId.set(deployment.deployment_id, file);
      deployments.push(deployment);
    } catch (error) {
      if (!(error instanceof DeploymentError)) throw error;
      errors.push(error);
    }
  }
  if (only === undefined) {
    errors.push(...vpcOverlaps(deployments));
  } else if (deployments.length > 0) {
    // The fleet in file order, the others as far as they can be read: their own problems are not this run's.
    const fleet = all.flatMap((name) => {
      const selected = deployments.find((d) => path.basename(d.file) === name);
      if (selected) return [selected];
      try {
        return DESCRIPTOR.test(name) ? [loadDeploymentFile(path.join(dir, name))] : [];
      } catch {
        return [];
      }
    });
    errors.push(...vpcOverlaps(fleet).filter((e) => deployments.some((d) => d.file === e.file)));
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new DeploymentsError(errors);
  if (only !== undefined && deployments.length === 0) {
    const found = present.length > 0 ? present.join(", ") : "none";
    throw new DeploymentError(dir, [{ field: "GPP_DEPLOYMENT", message: `no deployment "${only}"; found ${found}` }]);
  }
  if (deployments.length === 0) {
    throw new DeploymentError(dir, [{ field: "(folder)", message: "holds no deployment files (*.yaml, *.yml, *.json)" }]);
  }
  return deployments;
}

/**
 * The deployments of one folder are one fleet: two whose VPCs overlap could never be peered or routed to
 * each other, so each later file that overlaps an earlier one is refused, with a free /16 to use instead.
 */
function vpcOverlaps(deployments: readonly Deployment[]): DeploymentError[] {
  const errors: DeploymentError[] = [];
  const taken = deployments.map((d) => d.network.vpc_cidr);
  deployments.forEach((deployment, i) => {
    const net = parseIpv4Cidr(deployment.network.vpc_cidr);
    const earlier = deployments.slice(0, i).find((other) => overlaps(parseIpv4Cidr(other.network.vpc_cidr), net));
    if (!earlier) return;
    const derived = (d: Deployment) => (d.network.vpc_cidr === defaultVpcCidr(d.deployment_id) ? " (the default, derived from its deployment_id)" : "");
    const free = freeVpcCidr(taken);
    errors.push(
      new DeploymentError(deployment.file, [
        {
          field: "network.vpc_cidr",
          message: `${deployment.network.vpc_cidr}${derived(deployment)} overlaps ${earlier.network.vpc_cidr}${derived(earlier)} of ${earlier.file}: overlapping VPCs can never be peered or routed to each other. Set network.vpc_cidr in whichever of the two is not deployed yet (changing a deployed VPC's CIDR replaces it)${free ? `, e.g. ${free}, which no deployment here uses` : ""}`,
        },
      ]),
    );
  });
  return errors;
}

/** The repository's `deployments/` folder, which holds the built-in default deployment `gpp0`. */
export const defaultDeploymentsDir = (): string =>
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../deployments");

/** The built-in default deployment's id; its file is `deployments/gpp0.yaml`. */
export const DEFAULT_DEPLOYMENT_ID = "gpp0";

/** The built-in default deployment, which diagrams, benchmarks and tests describe. */
export const loadDefaultDeployment = (): Deployment =>
  loadDeploymentFile(path.join(defaultDeploymentsDir(), `${DEFAULT_DEPLOYMENT_ID}.yaml`));

/**
 * What stack entry points call: the folder from `GPP_DEPLOYMENTS_DIR` (default `deployments/`; a relative
 * path is taken from where pnpm was started), narrowed to `GPP_DEPLOYMENT` when set.
 */
export function deploymentsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Deployment[] {
  const only = env.GPP_DEPLOYMENT?.trim() || undefined;
  const dir = env.GPP_DEPLOYMENTS_DIR?.trim();
  // A relative folder means relative to where the user typed the command: pnpm runs scripts in the
  // package's folder but records the caller's in INIT_CWD.
  const folder = dir ? path.resolve(env.INIT_CWD ?? process.cwd(), dir) : defaultDeploymentsDir();
  return withGitopsRevision(loadDeployments(folder, only), env.GPP_GITOPS_REVISION?.trim() || undefined, folder);
}

/**
 * `GPP_GITOPS_REVISION`: the deploy workflow's way to make Argo CD render exactly the commit it deploys
 * (`github.sha`), in place of the descriptors' `gitops.revision`. Checked like that field; deployments
 * without `gitops` are left as they are.
 */
export function withGitopsRevision(deployments: Deployment[], revision: string | undefined, source: string): Deployment[] {
  if (revision === undefined) return deployments;
  const problem = revisionProblem(revision);
  if (problem) throw new DeploymentError(source, [{ field: "GPP_GITOPS_REVISION", message: problem }]);
  return deployments.map((d) => (d.gitops ? { ...d, gitops: { ...d.gitops, revision } } : d));
}

/**
 * Runs a synth entry point: bad deployment input prints every problem and exits 1 before anything is
 * synthesized, so no half-written output is left behind.
 */
export function runOrExit(main: () => void): void {
  try {
    main();
  } catch (error) {
    if (error instanceof DeploymentError || error instanceof DeploymentsError) {
      process.stderr.write(`Invalid deployment input:\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
