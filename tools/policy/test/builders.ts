/** Minimal hand-made inputs for the rule tests: one stack or a few manifests, nothing synthesized. */
import type { Json, KubernetesObject, PolicyInput, Rule, SynthesizedStack } from "../src/types";

export const STACK = "test-stack";

export function input(partial: Partial<PolicyInput> = {}): PolicyInput {
  return { deploymentId: "tst1", env: "dev", stacks: [], kubernetes: [], tenantNamespaces: [], ...partial };
}

/** A stack holding the given resources (`{ type: { name: body } }`) and, optionally, more top-level JSON. */
export function stack(resource: Record<string, Record<string, Json>>, extra: Omit<SynthesizedStack["json"], "resource"> = {}): SynthesizedStack {
  return { name: STACK, json: { resource, ...extra } };
}

export const stackInput = (resource: Record<string, Record<string, Json>>, extra: Partial<PolicyInput> = {}): PolicyInput =>
  input({ stacks: [stack(resource)], ...extra });

export function object(manifest: Json, namespace?: string): KubernetesObject {
  return { origin: `${STACK}/helm_release.t`, ...(namespace ? { namespace } : {}), manifest };
}

export const run = (rule: Rule, policyInput: PolicyInput) => rule.check(policyInput);

export const RESTRICTED_CONTAINER_CONTEXT = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

export const POD_LABELS = { "app.kubernetes.io/name": "app", "app.kubernetes.io/instance": "t" };

/** A Deployment that meets every pod rule; tests break one field of it. */
export function restrictedDeployment(namespace = "tenant-t", image = "example/app:1.0@sha256:" + "b".repeat(64)): KubernetesObject {
  return object(
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "app", namespace },
      spec: {
        selector: { matchLabels: POD_LABELS },
        template: {
          metadata: { labels: POD_LABELS },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
            containers: [{ name: "app", image, ports: [{ name: "http", containerPort: 8080 }], securityContext: { ...RESTRICTED_CONTAINER_CONTEXT } }],
          },
        },
      },
    },
    namespace,
  );
}

/** The pod spec of a Deployment made by `restrictedDeployment`, to mutate. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into manifests freely
export const podSpecOf = (deployment: KubernetesObject): any => (deployment.manifest as any).spec.template.spec;
