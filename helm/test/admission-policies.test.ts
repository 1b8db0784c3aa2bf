/**
 * The tenant ValidatingAdmissionPolicies, with every CEL expression evaluated against good and bad
 * objects by a real CEL implementation (@bufbuild/cel 0.6.1, the CEL spec's standard macros and
 * functions: has(), all(), exists(), in, size(), startsWith(), matches(), string and list `+`).
 *
 * Evaluated: each policy's `variables` (in order, bound as `variables`) and each validation's
 * `expression`, with `object`, `request.operation` and `namespaceObject` bound as the API server binds
 * them; an expression that errors counts as a denial, as `failurePolicy: Fail` makes it.
 * Not evaluated here (no API server): the type-check the API server runs when the policy is created
 * (against the OpenAPI schema of Pod and Service), its CEL cost limits, the match of `matchConstraints`
 * and the binding's `namespaceSelector` (checked below as data: the selector is one `Exists` on the
 * label every tenant namespace carries), and admission order (mutating plugins such as ServiceAccount
 * and DefaultTolerationSeconds run before validation). The expressions use no Kubernetes-only CEL
 * library function, so the standard CEL of @bufbuild/cel is the language they are written in.
 */
import { isCelError, run, type CelInput } from "@bufbuild/cel";
import { parseDeployment } from "@gpp/deployment";
import { describe, expect, it } from "vitest";
import { imageRepositoryForms, tenantAdmissionPolicies, type TenantAdmissionPolicy } from "../src/admission-policies";
import { CHART_DIR } from "../src/chart-values";
import { TENANT_LABEL } from "../src/isolation";
import { releaseValuesByNamespace, synthesize } from "./default-deployment";
import { helm } from "./helm-binary";
import { helmTemplate } from "./helm-render";

type Json = Record<string, unknown>;

/** JSON as CEL sees a Kubernetes object: objects are maps, whole numbers are ints. */
const toCel = (value: unknown): CelInput => {
  if (Array.isArray(value)) return value.map(toCel);
  if (typeof value === "object" && value !== null) return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  return value as CelInput;
};

interface Denial {
  readonly message: string;
  /** false: the expression said no; error: it failed to evaluate (denied by failurePolicy Fail). */
  readonly outcome: "false" | "error";
}

function admit(policy: TenantAdmissionPolicy, object: Json, options: { tenant: string; operation?: string }): Denial[] {
  const bindings: Record<string, CelInput> = {
    object: toCel(object),
    oldObject: null,
    request: toCel({ operation: options.operation ?? "CREATE" }),
    namespaceObject: toCel({ metadata: { name: `tenant-${options.tenant}`, labels: { [TENANT_LABEL]: options.tenant } } }),
  } as Record<string, CelInput>;
  const variables = new Map<string, CelInput>();
  for (const variable of policy.variables) variables.set(variable.name, run(variable.expression, { ...bindings, variables }) as CelInput);
  const denials: Denial[] = [];
  for (const validation of policy.validations) {
    // run() returns a CelError (a missing field, a type mismatch) instead of throwing.
    const result = run(validation.expression, { ...bindings, variables });
    if (isCelError(result)) denials.push({ message: validation.message, outcome: "error" });
    else if (result !== true) denials.push({ message: validation.message, outcome: "false" });
  }
  return denials;
}

const POLICY_INPUT = {
  tenantLabel: TENANT_LABEL,
  nodePoolLabel: "karpenter.sh/nodepool",
  sharedPoolName: "workloads",
  dedicatedPoolPrefix: "tenant-",
  imageRepositories: ["gradyent/tech-interview", "busybox"],
  requireDigest: false,
};
const policies = tenantAdmissionPolicies(POLICY_INPUT);
const policy = (name: string): TenantAdmissionPolicy => {
  const found = policies.find((p) => p.name === name);
  if (!found) throw new Error(`no policy ${name}`);
  return found;
};

const container = (extra: Json = {}): Json => ({
  name: "app",
  image: "gradyent/tech-interview:latest",
  securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
  ...extra,
});
const pod = (spec: Json = {}): Json => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "tenant-globex" },
  spec: { automountServiceAccountToken: false, containers: [container()], ...spec },
});
/** Messages of the denials, each of which must be the expression saying no, not failing to evaluate. */
const messages = (denials: Denial[]) => {
  for (const d of denials) expect(d.outcome, d.message).toBe("false");
  return denials.map((d) => d.message);
};

describe("gpp-tenant-scheduling", () => {
  const scheduling = policy("gpp-tenant-scheduling");
  const globex = { tenant: "globex" };

  it("admits a shared tenant's pod, a dedicated tenant's pod on its own pool, and the API server's default tolerations", () => {
    expect(admit(scheduling, pod({ nodeSelector: { "karpenter.sh/nodepool": "workloads" } }), { tenant: "acme" })).toEqual([]);
    const own = pod({
      nodeSelector: { "karpenter.sh/nodepool": "tenant-globex", [TENANT_LABEL]: "globex" },
      tolerations: [
        { key: TENANT_LABEL, operator: "Equal", value: "globex", effect: "NoSchedule" },
        // Added by the DefaultTolerationSeconds admission plugin to every pod.
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
    });
    expect(admit(scheduling, own, globex)).toEqual([]);
    // An already scheduled pod is updated with nodeName set.
    expect(admit(scheduling, pod({ nodeName: "i-0abc" }), { tenant: "globex", operation: "UPDATE" })).toEqual([]);
  });

  it("refuses another tenant's toleration, a tenant-wide Exists, and a keyless toleration of everything", () => {
    for (const toleration of [
      { key: TENANT_LABEL, operator: "Equal", value: "initech", effect: "NoSchedule" },
      { key: TENANT_LABEL, operator: "Exists", effect: "NoSchedule" },
      // API validation refuses a value with Exists too; the policy does not depend on it.
      { key: TENANT_LABEL, operator: "Exists", value: "globex", effect: "NoSchedule" },
      { operator: "Exists" },
      { key: "", operator: "Exists" },
    ]) {
      const denials = admit(scheduling, pod({ tolerations: [toleration] }), globex);
      expect(denials, JSON.stringify(toleration)).toEqual([{ message: expect.stringContaining("own tenant's gpp.tenant taint"), outcome: "false" }]);
    }
  });

  it("refuses selecting another tenant's pool or nodes, by selector or required affinity", () => {
    expect(messages(admit(scheduling, pod({ nodeSelector: { "karpenter.sh/nodepool": "tenant-initech" } }), globex))).toEqual([expect.stringContaining("may select only")]);
    expect(messages(admit(scheduling, pod({ nodeSelector: { [TENANT_LABEL]: "initech" } }), globex))).toEqual([expect.stringContaining("may select only")]);
    expect(messages(admit(scheduling, pod({ nodeSelector: { "karpenter.sh/nodepool": "system" } }), globex))).toEqual([expect.stringContaining("may select only")]);
    const affinity = (term: Json) => pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } } });
    expect(messages(admit(scheduling, affinity({ matchExpressions: [{ key: TENANT_LABEL, operator: "In", values: ["initech"] }] }), globex))).toEqual([expect.stringContaining("node affinity")]);
    expect(messages(admit(scheduling, affinity({ matchFields: [{ key: "metadata.name", operator: "In", values: ["i-0abc"] }] }), globex))).toEqual([expect.stringContaining("node affinity")]);
    expect(admit(scheduling, affinity({ matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["euw1-az1"] }] }), globex)).toEqual([]);
  });

  it("refuses a pod created with nodeName, which skips the taints", () => {
    expect(admit(scheduling, pod({ nodeName: "i-0abc" }), globex)).toEqual([{ message: expect.stringContaining("spec.nodeName"), outcome: "false" }]);
  });
});

describe("gpp-tenant-services", () => {
  const services = policy("gpp-tenant-services");
  const service = (spec: Json): Json => ({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80 }], ...spec } });

  it("admits ClusterIP Services, typed or not", () => {
    expect(admit(services, service({}), { tenant: "acme" })).toEqual([]);
    expect(admit(services, service({ type: "ClusterIP" }), { tenant: "acme" })).toEqual([]);
  });

  it("refuses LoadBalancer, NodePort and external IPs", () => {
    expect(messages(admit(services, service({ type: "LoadBalancer" }), { tenant: "acme" }))).toEqual([expect.stringContaining("LoadBalancer or NodePort")]);
    expect(messages(admit(services, service({ type: "NodePort" }), { tenant: "acme" }))).toEqual([expect.stringContaining("LoadBalancer or NodePort")]);
    expect(messages(admit(services, service({ externalIPs: ["203.0.113.9"] }), { tenant: "acme" }))).toEqual([expect.stringContaining("externalIPs")]);
  });
});

describe("gpp-tenant-images", () => {
  const images = policy("gpp-tenant-images");

  it("admits the allowed repositories by tag or digest, with or without docker.io", () => {
    for (const image of [
      "gradyent/tech-interview:latest",
      "docker.io/gradyent/tech-interview:latest",
      `gradyent/tech-interview@sha256:${"a".repeat(64)}`,
      "busybox:1.37.0",
      "docker.io/library/busybox:1.37.0",
    ]) {
      expect(admit(images, pod({ containers: [container({ image })] }), { tenant: "acme" }), image).toEqual([]);
    }
  });

  it("refuses any other repository, in containers, init containers and ephemeral containers, and look-alike names", () => {
    for (const image of ["evil/tech-interview:latest", "gradyent/tech-interview-evil:latest", "ghcr.io/gradyent/tech-interview:latest", "busyboxx:1"]) {
      expect(messages(admit(images, pod({ containers: [container({ image })] }), { tenant: "acme" })), image).toEqual([expect.stringContaining("only images of")]);
    }
    expect(messages(admit(images, pod({ initContainers: [container({ image: "evil/x:1" })] }), { tenant: "acme" }))).toHaveLength(1);
    expect(messages(admit(images, pod({ ephemeralContainers: [container({ image: "evil/x:1" })] }), { tenant: "acme" }))).toHaveLength(1);
  });

  it("in prod also refuses an image not pinned by digest", () => {
    const prod = tenantAdmissionPolicies({ ...POLICY_INPUT, requireDigest: true }).find((p) => p.name === "gpp-tenant-images") as TenantAdmissionPolicy;
    expect(messages(admit(prod, pod(), { tenant: "acme" }))).toEqual([expect.stringContaining("pinned by @sha256")]);
    expect(admit(prod, pod({ containers: [container({ image: `gradyent/tech-interview@sha256:${"a".repeat(64)}` })] }), { tenant: "acme" })).toEqual([]);
  });

  it("knows Docker Hub's equivalent names, and only for Docker Hub", () => {
    expect(imageRepositoryForms("busybox")).toEqual(["busybox", "docker.io/library/busybox", "index.docker.io/library/busybox"]);
    expect(imageRepositoryForms("ghcr.io/org/app")).toEqual(["ghcr.io/org/app"]);
  });
});

describe("gpp-tenant-pod-hardening (what Pod Security restricted leaves out)", () => {
  const hardening = policy("gpp-tenant-pod-hardening");

  it("refuses a pod that mounts a service-account token or leaves it to the default", () => {
    expect(messages(admit(hardening, pod({ automountServiceAccountToken: true }), { tenant: "acme" }))).toEqual([expect.stringContaining("automountServiceAccountToken")]);
    const unset = pod();
    delete (unset.spec as Json).automountServiceAccountToken;
    expect(messages(admit(hardening, unset, { tenant: "acme" }))).toEqual([expect.stringContaining("automountServiceAccountToken")]);
  });

  it("refuses a container with a writable root filesystem, a debug container included", () => {
    expect(messages(admit(hardening, pod({ containers: [container({ securityContext: {} })] }), { tenant: "acme" }))).toEqual([expect.stringContaining("read-only root")]);
    expect(messages(admit(hardening, pod({ ephemeralContainers: [{ name: "debug", image: "busybox:1.37.0" }] }), { tenant: "acme" }))).toEqual([expect.stringContaining("read-only root")]);
  });
});

describe("the policies in the helm stack", () => {
  const d = parseDeployment("deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntenants:\n  - id: acme\n  - id: globex\n    isolation: dedicated\n", "deployments/gpp0.yaml");
  const stack = synthesize(d);
  const manifests = Object.entries(stack.resource.kubernetes_manifest ?? {}).map(([address, m]) => ({ address, manifest: m.manifest as Json }));
  const ofKind = (kind: string) => manifests.filter((m) => m.manifest.kind === kind);

  it("are one v1 policy and one Deny binding each, scoped to namespaces with the tenant label, failing closed", () => {
    const synthesized = ofKind("ValidatingAdmissionPolicy");
    expect(synthesized.map((m) => (m.manifest.metadata as Json).name).sort()).toEqual(policies.map((p) => p.name).sort());
    for (const { manifest } of synthesized) {
      expect(manifest.apiVersion).toBe("admissionregistration.k8s.io/v1");
      const spec = manifest.spec as Json;
      expect(spec.failurePolicy).toBe("Fail");
      expect((spec.matchConstraints as Json).namespaceSelector).toEqual({ matchExpressions: [{ key: TENANT_LABEL, operator: "Exists" }] });
      const binding = ofKind("ValidatingAdmissionPolicyBinding").find((b) => (b.manifest.spec as Json).policyName === (manifest.metadata as Json).name);
      expect((binding?.manifest.spec as Json).validationActions).toEqual(["Deny"]);
      expect(((binding?.manifest.spec as Json).matchResources as Json).namespaceSelector).toEqual({ matchExpressions: [{ key: TENANT_LABEL, operator: "Exists" }] });
    }
  });

  it("select every tenant namespace the stack creates (each carries the label)", () => {
    const tenantNamespaces = Object.values(stack.resource.kubernetes_namespace_v1 ?? {})
      .map((ns) => ns.metadata as Json)
      .filter((metadata) => String(metadata.name).startsWith("tenant-"));
    expect(tenantNamespaces.map((m) => [m.name, (m.labels as Json)[TENANT_LABEL]])).toEqual([
      ["tenant-acme", "acme"],
      ["tenant-globex", "globex"],
    ]);
  });

  it("allow the images the tenants' values name, and are in place before any tenant release", () => {
    const images = ofKind("ValidatingAdmissionPolicy").find((m) => (m.manifest.metadata as Json).name === "gpp-tenant-images")?.manifest.spec as Json;
    expect(JSON.stringify(images.variables)).toContain("'gradyent/tech-interview'");
    expect(JSON.stringify(images.variables)).toContain("'busybox'");
    const bindingAddresses = ofKind("ValidatingAdmissionPolicyBinding").map((b) => `kubernetes_manifest.${b.address}`);
    for (const release of Object.values(stack.resource.helm_release ?? {}).filter((r) => String(r.namespace).startsWith("tenant-"))) {
      expect(release.depends_on).toEqual(expect.arrayContaining(bindingAddresses));
    }
  });

  describe.skipIf(!helm.found)("against the pods helm renders for each tenant", () => {
    const synthesizedPolicies = ofKind("ValidatingAdmissionPolicy").map((m) => {
      const spec = m.manifest.spec as { variables?: TenantAdmissionPolicy["variables"]; validations: TenantAdmissionPolicy["validations"]; matchConstraints: { resourceRules: TenantAdmissionPolicy["rules"] } };
      return { name: (m.manifest.metadata as Json).name as string, rules: spec.matchConstraints.resourceRules, variables: spec.variables ?? [], validations: spec.validations };
    });
    for (const [namespace, values] of releaseValuesByNamespace(stack)) {
      it(`admits every pod and Service of ${namespace}, helm test pod included`, () => {
        const tenant = namespace.replace(/^tenant-/, "");
        const objects = helmTemplate(tenant, CHART_DIR, namespace, values) as Json[];
        const pods = objects.flatMap((o) =>
          o.kind === "Pod" ? [o] : o.kind === "Deployment" ? [{ apiVersion: "v1", kind: "Pod", metadata: {}, spec: ((o.spec as Json).template as Json).spec }] : [],
        );
        expect(pods.length).toBe(2);
        for (const p of synthesizedPolicies) {
          const targets = p.rules[0]?.resources.includes("services") ? objects.filter((o) => o.kind === "Service") : pods;
          for (const target of targets) expect(admit(p, target, { tenant }), `${p.name} on ${String(target.kind)}`).toEqual([]);
        }
      });
    }
  });
});
