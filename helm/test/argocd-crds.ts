/**
 * Argo CD's CRDs (`manifests/crds/*-crd.yaml` in argoproj/argo-cd) at a tag, read at test time from a
 * local bare clone of that repository, never from the network and never copied into this one: their
 * text is upstream's. Where the clone is: `$GPP_ARGOCD_GIT_DIR`, else the mirror on the project's
 * machines. Without it the schema tests skip and say why.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import YAML from "yaml";

const GIT_DIR = process.env.GPP_ARGOCD_GIT_DIR ?? "/work/.mirror/argoproj+argo-cd/repo";

export type CrdSource = { found: true; gitDir: string } | { found: false; reason: string };

export function argoCdRepo(): CrdSource {
  if (!existsSync(GIT_DIR)) return { found: false, reason: `no clone of argoproj/argo-cd at ${GIT_DIR} (set GPP_ARGOCD_GIT_DIR)` };
  return { found: true, gitDir: GIT_DIR };
}

export function gitShow(gitDir: string, ref: string, file: string): string {
  const result = spawnSync("git", ["--git-dir", gitDir, "show", `${ref}:${file}`], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`git show ${ref}:${file}: ${result.stderr}`);
  return result.stdout;
}

type Schema = Record<string, unknown>;

/**
 * The API server prunes fields a structural schema does not declare (unless
 * `x-kubernetes-preserve-unknown-fields`), so a misspelt field is silently dropped, not refused:
 * here it is an error, so a test sees it.
 */
function closeSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && value && typeof value === "object") {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, closeSchema(v)]));
    } else if ((key === "items" || key === "additionalProperties") && value && typeof value === "object") {
      out[key] = closeSchema(value as Schema);
    } else if ((key === "allOf" || key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map((v) => closeSchema(v as Schema));
    } else {
      out[key] = value;
    }
  }
  if (out.properties && out.additionalProperties === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) out.additionalProperties = false;
  return out;
}

/** A validator per kind (Application, ApplicationSet, AppProject) from the CRDs at `ref`. */
const compiled = new Map<string, Map<string, ValidateFunction>>();

export function argoCdValidators(gitDir: string, ref: string): Map<string, ValidateFunction> {
  const cached = compiled.get(`${gitDir}@${ref}`);
  if (cached) return cached;
  // Formats (int64, date-time) are the API server's business; the CRDs' structure is what is checked.
  // No code optimisation: the same checks, compiled in about half the time (the ApplicationSet CRD is 1.4 MB).
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false, code: { optimize: false } });
  const validators = new Map<string, ValidateFunction>();
  for (const file of ["application-crd.yaml", "applicationset-crd.yaml", "appproject-crd.yaml"]) {
    const crd = YAML.parse(gitShow(gitDir, ref, `manifests/crds/${file}`)) as {
      spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
    };
    const version = crd.spec.versions.find((v) => v.name === "v1alpha1");
    if (!version) throw new Error(`${file} at ${ref} has no v1alpha1`);
    const root = closeSchema(version.schema.openAPIV3Schema);
    // metadata is validated by the API server itself, not by the CRD's schema.
    validators.set(crd.spec.names.kind, ajv.compile({ ...root, properties: { ...(root.properties as Schema), metadata: { type: "object" } } }));
  }
  compiled.set(`${gitDir}@${ref}`, validators);
  return validators;
}
