/**
 * Validates rendered manifests offline against kubernetes-models 4.5.1 (Kubernetes 1.33 schemas) and,
 * for KEDA's `keda.sh/v1alpha1` kinds, @kubernetes-models/keda 0.4.2 (generated from the KEDA 2.10.1
 * CRDs; the ScaledObject fields the chart uses have the same names and types in the 2.20 CRD), with
 * unknown fields rejected. kubernetes-models ships its schemas as precompiled validators that
 * ignore unknown properties; every validator reads each property its schema defines, so the object is
 * handed over behind a Proxy that records those reads, and any key the schema never read is unknown.
 */
import { createRequire } from "node:module";
import path from "node:path";

export interface SchemaError {
  readonly path: string;
  readonly message: string;
}

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; keyword: string; params: unknown }[] | null };

const require = createRequire(import.meta.url);
// The package's "exports" hide _schemas/; a path inside the installed package reaches them.
const schemasDir = path.join(path.dirname(require.resolve("kubernetes-models")), "_schemas");
const kedaSchemasDir = path.join(path.dirname(require.resolve("@kubernetes-models/keda/package.json")), "_schemas");

/** `apps/v1` + `Deployment` -> IoK8sApiAppsV1Deployment (the name kubernetes-models gives the schema). */
export function schemaName(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? (apiVersion.split("/") as [string, string]) : ["", apiVersion];
  const groupName = group === "" ? "Core" : (group.split(".")[0] ?? "");
  const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `IoK8sApi${capital(groupName)}${capital(version)}${kind}`;
}

/** `keda.sh/v1alpha1` + `ScaledObject` -> KedaShV1alpha1ScaledObject. */
export function kedaSchemaName(apiVersion: string, kind: string): string {
  const [, version = ""] = apiVersion.split("/");
  return `KedaSh${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

function validatorFor(apiVersion: string, kind: string): Validate {
  const keda = apiVersion.startsWith("keda.sh/");
  const name = keda ? kedaSchemaName(apiVersion, kind) : schemaName(apiVersion, kind);
  try {
    return (require(path.join(keda ? kedaSchemasDir : schemasDir, `${name}.js`)) as { validate: Validate }).validate;
  } catch {
    const source = keda ? "@kubernetes-models/keda 0.4.2" : "kubernetes-models 4.5.1";
    throw new Error(`${source} has no schema for ${apiVersion} ${kind} (${name})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** Every problem with one manifest: schema errors, then fields the schema does not define. */
export function validateManifest(manifest: Record<string, unknown>): SchemaError[] {
  const { apiVersion, kind } = manifest;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return [{ path: "", message: "apiVersion and kind must be strings" }];
  }
  const validate = validatorFor(apiVersion, kind);
  const reads = new WeakMap<object, Set<string>>();
  const proxies = new WeakMap<object, object>();
  const track = (target: object): object => {
    let proxy = proxies.get(target);
    if (!proxy) {
      reads.set(target, new Set());
      proxy = new Proxy(target, {
        get(obj, key, receiver) {
          const value = Reflect.get(obj, key, receiver) as unknown;
          if (typeof key === "string") reads.get(obj)?.add(key);
          return isObject(value) ? track(value) : value;
        },
      });
      proxies.set(target, proxy);
    }
    return proxy;
  };

  const errors: SchemaError[] = [];
  if (!validate(track(manifest))) {
    for (const e of validate.errors ?? []) {
      errors.push({ path: e.instancePath || "/", message: `${e.keyword}: ${e.message ?? JSON.stringify(e.params)}` });
    }
  }
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}/${i}`));
    } else if (isObject(value)) {
      const seen = reads.get(value);
      for (const [key, child] of Object.entries(value)) {
        if (!seen?.has(key)) errors.push({ path: `${path}/${key}`, message: "unknown field: not in the Kubernetes schema" });
        else walk(child, `${path}/${key}`);
      }
    }
  };
  walk(manifest, "");
  return errors;
}
