import { describe, expect, it } from "vitest";
import { kedaSchemaName, schemaName, validateManifest } from "./strict-kubernetes-schema";

const service = () => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", labels: { app: "web" } },
  spec: { type: "ClusterIP", selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
});

describe("offline Kubernetes schema validation with unknown fields rejected", () => {
  it("names the kubernetes-models schema of an apiVersion and kind", () => {
    expect(schemaName("apps/v1", "Deployment")).toBe("IoK8sApiAppsV1Deployment");
    expect(schemaName("v1", "Service")).toBe("IoK8sApiCoreV1Service");
    expect(schemaName("networking.k8s.io/v1", "NetworkPolicy")).toBe("IoK8sApiNetworkingV1NetworkPolicy");
  });

  it("accepts a valid manifest", () => {
    expect(validateManifest(service())).toEqual([]);
  });

  it("rejects an unknown field, however deep", () => {
    const manifest = service() as ReturnType<typeof service> & { spec: { clusterIp?: string } };
    manifest.spec.clusterIp = "None"; // the real field is clusterIP
    (manifest.spec.ports[0] as Record<string, unknown>).target = 8080;
    expect(validateManifest(manifest)).toEqual([
      { path: "/spec/ports/0/target", message: "unknown field: not in the Kubernetes schema" },
      { path: "/spec/clusterIp", message: "unknown field: not in the Kubernetes schema" },
    ]);
  });

  it("rejects a wrong type", () => {
    const manifest = service();
    (manifest.spec.ports[0] as Record<string, unknown>).port = "80";
    expect(validateManifest(manifest).map((e) => e.path)).toEqual(["/spec/ports/0/port"]);
  });

  it("validates KEDA's ScaledObject against the KEDA CRD schema, unknown fields and wrong types included", () => {
    expect(kedaSchemaName("keda.sh/v1alpha1", "ScaledObject")).toBe("KedaShV1alpha1ScaledObject");
    const scaledObject = () => ({
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { name: "web" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicaCount: 0,
        triggers: [{ type: "cron", metadata: { timezone: "UTC", start: "0 7 * * *", end: "0 19 * * *", desiredReplicas: "3" } }],
      },
    });
    expect(validateManifest(scaledObject())).toEqual([]);
    const numeric = scaledObject();
    (numeric.spec.triggers[0]?.metadata as Record<string, unknown>).desiredReplicas = 3; // trigger metadata is strings only
    expect(validateManifest(numeric).map((e) => e.path)).toEqual(["/spec/triggers/0/metadata/desiredReplicas"]);
    const misspelt = scaledObject() as ReturnType<typeof scaledObject> & { spec: { minReplicas?: number } };
    misspelt.spec.minReplicas = 0; // the real field is minReplicaCount
    expect(validateManifest(misspelt)).toEqual([{ path: "/spec/minReplicas", message: "unknown field: not in the Kubernetes schema" }]);
    expect(() => validateManifest({ apiVersion: "keda.sh/v1alpha1", kind: "ScaledThing" })).toThrow(/@kubernetes-models\/keda .* no schema/);
  });

  it("refuses a kind it has no schema for", () => {
    expect(() => validateManifest({ apiVersion: "traefik.io/v1alpha1", kind: "IngressRoute" })).toThrow(/no schema/);
  });
});
