/**
 * Every test that reads real evidence (the synthesized stacks of a deployment and its rendered tenant
 * manifests) or renders the chart: one file, so one worker loads the synth and collects gpp0 and the prod
 * fixture once for all of them (each test file gets a worker of its own, which loads cdktf, the provider
 * bindings and the stacks' sources again).
 *
 * - the real stacks and rendered manifests of gpp0 (dev) and the prod fixture give zero findings;
 * - hostile or careless changes made to that evidence are each caught;
 * - argocd mode: what Argo CD would apply is seen and confined;
 * - a helm_release is rendered as the provider would install it.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseDeployment } from "@gpp/deployment";
import { CHART_DIR } from "helm/chart-values";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { collectEvidence, renderRelease, setArguments, type Evidence } from "../src/collect";
import { evaluate, formatFindings } from "../src/engine";
import { containersOf, kindOf, nameOf, podBearing, podTemplateOf } from "../src/kubernetes";
import { applicationDestinations, appProjectConfinement } from "../src/rules/gitops";
import { MANAGED_POLICY_ALLOW_LIST, attachments, awsManagedPolicyName, managedPoliciesAllowListed, rolePurposes, serviceTrustHasSourceConditions } from "../src/rules/iam-roles";
import { noSecretsOrExecForTenants } from "../src/rules/rbac";
import { tenantReleases, tenantReleasesNamespaced } from "../src/rules/tenancy";
import { resources } from "../src/terraform";
import type { Json, KubernetesObject, PolicyInput, SynthesizedStack } from "../src/types";
import { FIXTURES_DIR, helm, helmPath, loadDefaultDeployment, loadProdDeployment } from "./deployments";

/** gpp0 (dev) and the prod fixture, collected on first use and read by the describes below. */
let real: { dev: Evidence; prod: Evidence } | undefined;
const realEvidence = () => (real ??= { dev: collectEvidence(loadDefaultDeployment(), helmPath), prod: collectEvidence(loadProdDeployment(), helmPath) });

/** Kinds of the objects in a namespace, and the Namespace itself. */
const kindsIn = (evidence: Evidence, namespace: string) =>
  evidence.input.kubernetes.filter((o) => o.namespace === namespace || (kindOf(o) === "Namespace" && nameOf(o) === namespace)).map(kindOf);

describe.skipIf(!helm.found)("the real stacks and rendered manifests", () => {
  const dev = loadDefaultDeployment();
  const prod = loadProdDeployment();
  let devEvidence: Evidence;
  let prodEvidence: Evidence;

  beforeAll(() => {
    ({ dev: devEvidence, prod: prodEvidence } = realEvidence());
  });

  it("of the default deployment (dev) produce no findings", () => {
    const findings = evaluate(devEvidence.input);
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it("of the prod fixture produce no findings, prod-only rules included", () => {
    expect(prodEvidence.input.env).toBe("prod");
    const findings = evaluate(prodEvidence.input);
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it("hold what the rules are about, so zero findings is not zero coverage", () => {
    for (const [deployment, evidence] of [[dev, devEvidence], [prod, prodEvidence]] as const) {
      const { input } = evidence;
      expect(input.stacks.map((s) => s.name).sort()).toEqual([`${deployment.env}-helm-${deployment.deployment_id}`, `${deployment.env}-iac-${deployment.deployment_id}`]);
      expect(resources(input.stacks, ["aws_eks_cluster"])).toHaveLength(1);
      expect(resources(input.stacks, ["aws_iam_role"]).length).toBeGreaterThanOrEqual(3);
      expect(resources(input.stacks, ["aws_cloudwatch_log_group"]).length).toBeGreaterThanOrEqual(2);
      expect(input.tenantNamespaces).toEqual(deployment.tenants.map((t) => `tenant-${t.id}`));
      for (const namespace of input.tenantNamespaces) {
        expect(kindsIn(evidence, namespace)).toEqual(expect.arrayContaining(["Namespace", "ResourceQuota", "LimitRange", "NetworkPolicy", "Deployment", "ServiceAccount", "Service"]));
      }
      // Every pod template rendered from a tenant release: the app and the helm test hook, per tenant.
      expect(podBearing(input.kubernetes)).toHaveLength(2 * deployment.tenants.length);
      // Only charts fetched from a repository are left unrendered (Traefik, and KEDA where it is installed).
      for (const { reason } of evidence.unrendered) expect(reason).toMatch(/^remote chart https:\/\//);
    }
  });

  it("renders the prod fixture's images pinned by the descriptor's digest", () => {
    const images = podBearing(prodEvidence.input.kubernetes).flatMap(({ pod }) => containersOf(pod.spec).map((c) => String(c.container.image)));
    expect(images).toContain(`gradyent/tech-interview:latest@${prod.service.image.digest}`);
    expect(prodEvidence.input.stacks.every((s) => Object.keys(s.json.terraform?.backend ?? {})[0] === "s3")).toBe(true);
  });

  it("flags a prod deployment whose image is not pinned, both in the release values and in the rendered Deployments", () => {
    const doc = YAML.parse(readFileSync(path.join(FIXTURES_DIR, "prd1.yaml"), "utf8")) as { service: { image: { digest?: string } } };
    delete doc.service.image.digest;
    const unpinned = parseDeployment(JSON.stringify(doc), "prd1-unpinned.yaml");
    const findings = evaluate(collectEvidence(unpinned, helmPath).input);
    expect(new Set(findings.map((f) => f.ruleId))).toEqual(new Set(["K8S-IMG-001"]));
    // Per tenant: its helm_release values and its rendered Deployment.
    expect(findings).toHaveLength(2 * unpinned.tenants.length);
  });

  it("flags the default deployment once it is prod: public endpoint open to the world, local state, image by tag", () => {
    const asProd = { ...dev, env: "prod" as const };
    const ids = new Set(evaluate({ ...devEvidence.input, env: asProd.env }).map((f) => f.ruleId));
    expect(ids).toEqual(new Set(["AWS-EKS-004", "TF-STATE-003", "K8S-IMG-001"]));
  });
});

/*
 * Hostile input: the rules against hostile or careless changes, made to the REAL synthesized stacks and rendered tenant
 * manifests of gpp0 (dev) and the prod fixture: each mutation is caught, the unmutated evidence is not.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mutations reach into synthesized JSON freely
type Any = any;

let dev: PolicyInput;
let prod: PolicyInput;

const copy = (input: PolicyInput): PolicyInput => structuredClone(input);
const iacStack = (input: PolicyInput): SynthesizedStack => input.stacks.find((s) => s.name.includes("-iac-")) as SynthesizedStack;
const resourceBlock = (stack: SynthesizedStack, type: string): Record<string, Any> => ((stack.json.resource as Any)[type] ??= {});

/** The first tenant release of the real helm stack: its address (the origin of what it renders) and namespace. */
function firstTenantRelease(input: PolicyInput): { origin: string; namespace: string } {
  const [origin, namespace] = [...tenantReleases(input)][0] as [string, string];
  return { origin, namespace };
}

/** The input with objects added to what the first tenant release renders. */
function withRendered(input: PolicyInput, ...manifests: Json[]): PolicyInput {
  const { origin, namespace } = firstTenantRelease(input);
  const added: KubernetesObject[] = manifests.map((manifest) => ({ origin, namespace, manifest }));
  return { ...copy(input), kubernetes: [...input.kubernetes, ...added] };
}

describe.skipIf(!helm.found)("hostile changes to the real stacks and tenant manifests", () => {
  beforeAll(() => {
    // Copies: a mutation made in place cannot reach the zero-findings tests above.
    dev = copy(realEvidence().dev.input);
    prod = copy(realEvidence().prod.input);
  });

  describe("K8S-NS-006 tenant releases ship only namespaced objects of their own namespace", () => {
    it("passes the real tenant releases (which do render objects, and a ScaledObject in dev)", () => {
      for (const input of [dev, prod]) {
        const { origin } = firstTenantRelease(input);
        expect(input.kubernetes.filter((o) => o.origin === origin).length).toBeGreaterThan(4);
        expect(tenantReleasesNamespaced.check(input)).toEqual([]);
      }
      expect(dev.kubernetes.some((o) => kindOf(o) === "ScaledObject")).toBe(true);
    });

    it("flags every cluster-scoped kind a tenant release ships, another tenant's Namespace, and a kind of unknown scope", () => {
      const other = dev.tenantNamespaces[1] as string;
      const { namespace: own } = firstTenantRelease(dev);
      const mutated = withRendered(
        dev,
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "grab" }, rules: [] },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "grab" }, roleRef: { kind: "ClusterRole", name: "view" }, subjects: [] },
        { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "widgets.example.com" } },
        { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "inject" } },
        { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "first" }, value: 1000000000 },
        { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "fast" }, provisioner: "ebs.csi.eks.amazonaws.com" },
        { apiVersion: "v1", kind: "Namespace", metadata: { name: other } },
        { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } },
        { apiVersion: "v1", kind: "Secret", metadata: { name: "planted", namespace: other } },
        // Allowed: its own Namespace, and a namespaced object of its own namespace.
        { apiVersion: "v1", kind: "Namespace", metadata: { name: own } },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: own } },
      );
      const messages = tenantReleasesNamespaced.check(mutated).map((f) => f.message);
      expect(messages).toEqual([
        expect.stringMatching(/^rbac\.authorization\.k8s\.io\/ClusterRole is cluster-scoped/),
        expect.stringMatching(/^rbac\.authorization\.k8s\.io\/ClusterRoleBinding is cluster-scoped/),
        expect.stringMatching(/^apiextensions\.k8s\.io\/CustomResourceDefinition is cluster-scoped/),
        expect.stringMatching(/^admissionregistration\.k8s\.io\/MutatingWebhookConfiguration is cluster-scoped/),
        expect.stringMatching(/^scheduling\.k8s\.io\/PriorityClass is cluster-scoped/),
        expect.stringMatching(/^storage\.k8s\.io\/StorageClass is cluster-scoped/),
        expect.stringMatching(/^core\/Namespace is cluster-scoped/),
        "example.com/Widget (example.com/v1) is neither a Kubernetes 1.35 kind nor a listed custom resource, so it may be cluster-scoped",
        `core/Secret targets namespace ${other}, not the release's namespace ${own}`,
      ]);
    });

    it("leaves the platform's own cluster-scoped objects alone (they come from the stack, not from a tenant release)", () => {
      const platformClusterRoles = dev.kubernetes.filter((o) => kindOf(o) === "ClusterRole");
      expect(platformClusterRoles.length).toBeGreaterThan(0);
      expect(tenantReleasesNamespaced.check(dev)).toEqual([]);
    });
  });

  describe("K8S-RBAC-003 tenant subjects get no edit/admin, secrets read or pod exec", () => {
    /** The tenant's own ServiceAccount, as the real chart renders it. */
    const tenantAccount = (input: PolicyInput) => {
      const { origin, namespace } = firstTenantRelease(input);
      const account = input.kubernetes.find((o) => o.origin === origin && kindOf(o) === "ServiceAccount") as KubernetesObject;
      return { kind: "ServiceAccount", name: nameOf(account), namespace };
    };
    const roleBinding = (namespace: string, roleRef: Json, subjects: Json[]): Json => ({
      apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "b", namespace }, roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef }, subjects,
    });
    const role = (namespace: string, name: string, rules: Json[]): Json => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name, namespace }, rules });

    it("passes the real stacks, whose bindings (the metrics collector's) name no tenant subject", () => {
      expect(dev.kubernetes.filter((o) => kindOf(o) === "ClusterRoleBinding").length).toBeGreaterThan(0);
      expect(noSecretsOrExecForTenants.check(dev)).toEqual([]);
      expect(noSecretsOrExecForTenants.check(prod)).toEqual([]);
    });

    it.each(["edit", "admin", "cluster-admin"])("flags a RoleBinding giving the tenant's ServiceAccount the ClusterRole %s", (name) => {
      const subject = tenantAccount(dev);
      const findings = noSecretsOrExecForTenants.check(withRendered(dev, roleBinding(subject.namespace, { kind: "ClusterRole", name }, [subject])));
      expect(findings.map((f) => f.message)).toEqual([`gives ServiceAccount ${subject.namespace}/${subject.name} the ClusterRole ${name}`]);
    });

    it.each([
      ["secrets get", { apiGroups: [""], resources: ["secrets"], verbs: ["get"] }, "secrets get"],
      ["every resource (*) with list", { apiGroups: [""], resources: ["*"], verbs: ["list"] }, "secrets list, pods/exec, pods/attach, pods/portforward"],
      ["pods/exec create", { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }, "pods/exec"],
      ["*/attach through the wildcard API group", { apiGroups: ["*"], resources: ["*/attach"], verbs: ["get"] }, "pods/attach"],
      ["pods/portforward with verb *", { apiGroups: [""], resources: ["pods/portforward"], verbs: ["*"] }, "pods/portforward"],
    ])("flags a tenant Role granting %s to the tenant's ServiceAccount", (_name, rule, granted) => {
      const subject = tenantAccount(dev);
      const mutated = withRendered(dev, role(subject.namespace, "r", [rule]), roleBinding(subject.namespace, { kind: "Role", name: "r" }, [{ kind: "ServiceAccount", name: subject.name }]));
      expect(noSecretsOrExecForTenants.check(mutated).map((f) => f.message)).toEqual([`gives ServiceAccount ${subject.namespace}/${subject.name} ${granted} through the Role r`]);
    });

    it("flags secrets read reaching a tenant through an aggregated ClusterRole, and through an addition to the built-in view", () => {
      const subject = tenantAccount(dev);
      const member = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "member", labels: { "example.com/aggregate-to-reader": "true" } }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["watch"] }] };
      const aggregated = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "reader" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "example.com/aggregate-to-reader": "true" } }] }, rules: [] };
      const throughAggregate = withRendered(dev, member, aggregated, roleBinding(subject.namespace, { kind: "ClusterRole", name: "reader" }, [subject]));
      expect(noSecretsOrExecForTenants.check(throughAggregate).map((f) => f.message)).toEqual([expect.stringContaining("secrets watch through the ClusterRole reader")]);

      const toView = { ...member, metadata: { name: "extends-view", labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } } };
      const bindView = roleBinding(subject.namespace, { kind: "ClusterRole", name: "view" }, [subject]);
      expect(noSecretsOrExecForTenants.check(withRendered(dev, bindView))).toEqual([]);
      expect(noSecretsOrExecForTenants.check(withRendered(dev, toView, bindView)).map((f) => f.message)).toEqual([expect.stringContaining("secrets watch through the ClusterRole view")]);
    });

    it("flags a selector that aggregates the built-in system:aggregate-to-edit, and a role nobody defines", () => {
      const subject = tenantAccount(dev);
      const sneaky = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "sneaky" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } }] } };
      expect(noSecretsOrExecForTenants.check(withRendered(dev, sneaky, roleBinding(subject.namespace, { kind: "ClusterRole", name: "sneaky" }, [subject]))).map((f) => f.message)).toEqual([
        expect.stringContaining("secrets get/list/watch, pods/exec, pods/attach, pods/portforward through the ClusterRole sneaky"),
      ]);
      expect(noSecretsOrExecForTenants.check(withRendered(dev, roleBinding(subject.namespace, { kind: "ClusterRole", name: "somewhere-else" }, [subject]))).map((f) => f.message)).toEqual([
        expect.stringContaining("which no stack or release defines"),
      ]);
    });

    it("flags the tenant reached as a group or a user name, and spares a narrow role and non-tenant subjects", () => {
      const { namespace } = firstTenantRelease(dev);
      const secrets = role(namespace, "r", [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }]);
      const asGroup = roleBinding(namespace, { kind: "Role", name: "r" }, [{ kind: "Group", name: `system:serviceaccounts:${namespace}` }]);
      const asUser = roleBinding(namespace, { kind: "Role", name: "r" }, [{ kind: "User", name: `system:serviceaccount:${namespace}:default` }]);
      const everyone = roleBinding(namespace, { kind: "Role", name: "r" }, [{ kind: "Group", name: "system:authenticated" }]);
      expect(noSecretsOrExecForTenants.check(withRendered(dev, secrets, asGroup, asUser, everyone))).toHaveLength(3);
      const narrow = role(namespace, "r", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }]);
      expect(noSecretsOrExecForTenants.check(withRendered(dev, narrow, asGroup))).toEqual([]);
      const operator = roleBinding(namespace, { kind: "Role", name: "r" }, [{ kind: "ServiceAccount", name: "ops", namespace: "kube-system" }]);
      expect(noSecretsOrExecForTenants.check(withRendered(dev, secrets, operator))).toEqual([]);
    });
  });

  describe("AWS-IAM-004 managed policies within each role's allow-list", () => {
    /** The Terraform name of the role used for `purpose` in the real iac stack. */
    const roleNamed = (input: PolicyInput, purpose: string) => [...rolePurposes(iacStack(input))].find(([, p]) => p === purpose)?.[0] as string;

    it("passes the real stacks, which attach exactly the allow-listed policies to the cluster, node and observability roles", () => {
      for (const input of [dev, prod]) {
        expect(managedPoliciesAllowListed.check(input)).toEqual([]);
        const stack = iacStack(input);
        const purposes = rolePurposes(stack);
        expect(new Set(purposes.values())).toEqual(new Set(["cluster", "node", "observability"]));
        for (const [role, purpose] of purposes) {
          const attached = attachments(stack)
            .filter((a) => "name" in a.role && a.role.name === role)
            .map((a) => awsManagedPolicyName(a.policyArn));
          expect(attached.sort(), purpose).toEqual([...MANAGED_POLICY_ALLOW_LIST[purpose]].sort());
        }
      }
    });

    it("flags AmazonS3FullAccess added to the node role's exclusive attachments", () => {
      const mutated = copy(dev);
      const node = roleNamed(mutated, "node");
      const attachments = Object.values(resourceBlock(iacStack(mutated), "aws_iam_role_policy_attachments_exclusive")).find((a: Any) => a.role_name === `\${aws_iam_role.${node}.name}`);
      attachments.policy_arns.push("arn:${data.aws_partition.p.partition}:iam::aws:policy/AmazonS3FullAccess");
      expect(managedPoliciesAllowListed.check(mutated).map((f) => f.message)).toEqual([
        `attaches AmazonS3FullAccess to the node role aws_iam_role.${node}; its allow-list is AmazonEKSWorkerNodeMinimalPolicy, AmazonEC2ContainerRegistryPullOnly`,
      ]);
    });

    it("flags AmazonEC2FullAccess attached to the node role by a separate attachment, by reference or by name", () => {
      const mutated = copy(dev);
      const node = roleNamed(mutated, "node");
      const nodeName = resourceBlock(iacStack(mutated), "aws_iam_role")[node].name as string;
      resourceBlock(iacStack(mutated), "aws_iam_role_policy_attachment").extra = { role: `\${aws_iam_role.${node}.name}`, policy_arn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess" };
      resourceBlock(iacStack(mutated), "aws_iam_role_policy_attachment").byName = { role: nodeName, policy_arn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess" };
      expect(managedPoliciesAllowListed.check(mutated).map((f) => f.address)).toEqual([
        `${iacStack(mutated).name}/aws_iam_role_policy_attachment.extra`,
        `${iacStack(mutated).name}/aws_iam_role_policy_attachment.byName`,
      ]);
    });

    it("flags a managed policy on a role with no allow-list (the flow-log role) and on a role it cannot resolve; accepts a policy of the stack", () => {
      const mutated = copy(dev);
      const stack = iacStack(mutated);
      const flowLogRole = Object.entries(resourceBlock(stack, "aws_iam_role")).find(([, r]: Any) => String(r.assume_role_policy).includes("vpc-flow-logs"))?.[0] as string;
      const attachments = resourceBlock(stack, "aws_iam_role_policy_attachment");
      attachments.onFlowLogs = { role: `\${aws_iam_role.${flowLogRole}.id}`, policy_arn: "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess" };
      attachments.elsewhere = { role: "${var.other_role}", policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" };
      resourceBlock(stack, "aws_iam_policy").own = { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" }] }) };
      attachments.ownPolicy = { role: `\${aws_iam_role.${flowLogRole}.name}`, policy_arn: "${aws_iam_policy.own.arn}" };
      expect(managedPoliciesAllowListed.check(mutated).map((f) => f.message)).toEqual([
        `attaches CloudWatchLogsFullAccess to aws_iam_role.${flowLogRole}, a role with no managed-policy allow-list (it is not the cluster, node or observability role)`,
        "attaches arn:aws:iam::aws:policy/ReadOnlyAccess to ${var.other_role}, which is no aws_iam_role of this stack, so its allow-list cannot be checked",
      ]);
    });
  });

  describe("AWS-IAM-005 service trust bound to this account's own resources", () => {
    /**
     * The real iac stack with the confused-deputy conditions AWS documents added to the trust policies of the
     * cluster role (EKS: ArnLike aws:SourceArn on the cluster ARN, StringEquals aws:SourceAccount) and the
     * flow-log role (VPC Flow Logs: the flow-log ARN) and the session tags on the observability role (Pod
     * Identity), whether or not the stacks already carry them; an empty condition removes a statement's conditions.
     */
    function withSourceConditions(input: PolicyInput, conditionFor: (service: string) => Json | undefined = documentedCondition): PolicyInput {
      const mutated = copy(input);
      for (const role of Object.values(resourceBlock(iacStack(mutated), "aws_iam_role")) as Any[]) {
        const doc = JSON.parse(role.assume_role_policy);
        for (const statement of doc.Statement) {
          const condition = conditionFor(statement.Principal.Service);
          if (condition && Object.keys(condition).length > 0) statement.Condition = condition;
          else if (condition) delete statement.Condition;
        }
        role.assume_role_policy = JSON.stringify(doc);
      }
      return mutated;
    }
    const account = "${data.aws_caller_identity.current.account_id}";
    const partition = "${data.aws_partition.p.partition}";
    function documentedCondition(service: string): Json | undefined {
      if (service === "eks.amazonaws.com") {
        return { ArnLike: { "aws:SourceArn": `arn:${partition}:eks:eu-west-1:${account}:cluster/dev-eks-gpp0` }, StringEquals: { "aws:SourceAccount": account } };
      }
      if (service === "vpc-flow-logs.amazonaws.com") {
        return { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:eu-west-1:${account}:vpc-flow-log/*` } };
      }
      if (service === "pods.eks.amazonaws.com") {
        return { StringEquals: { "aws:RequestTag/kubernetes-namespace": "amazon-cloudwatch", "aws:RequestTag/kubernetes-service-account": "cloudwatch-agent" } };
      }
      return undefined;
    }

    it("passes the real stacks once the documented conditions are present (cluster and flow-log roles), in dev and prod", () => {
      expect(serviceTrustHasSourceConditions.check(withSourceConditions(dev))).toEqual([]);
      expect(serviceTrustHasSourceConditions.check(withSourceConditions(prod))).toEqual([]);
    });

    it("flags the real cluster, observability and flow-log roles once their trust conditions are taken away", () => {
      expect(serviceTrustHasSourceConditions.check(withSourceConditions(dev, () => ({}))).map((f) => f.message)).toEqual([
        expect.stringContaining("trusts pods.eks.amazonaws.com without aws:RequestTag/kubernetes-namespace and aws:RequestTag/kubernetes-service-account"),
        expect.stringContaining("trusts eks.amazonaws.com without aws:SourceAccount and aws:SourceArn"),
        expect.stringContaining("trusts vpc-flow-logs.amazonaws.com without aws:SourceAccount and aws:SourceArn"),
      ]);
    });

    it("flags the observability role's Pod Identity trust without its service account, or bound to any namespace by a bare *", () => {
      const weakened = (condition: Json) => withSourceConditions(dev, (service) => (service === "pods.eks.amazonaws.com" ? condition : documentedCondition(service)));
      expect(serviceTrustHasSourceConditions.check(weakened({ StringEquals: { "aws:RequestTag/kubernetes-namespace": "amazon-cloudwatch" } })).map((f) => f.message)).toEqual([
        expect.stringContaining("trusts pods.eks.amazonaws.com without aws:RequestTag/kubernetes-service-account"),
      ]);
      const anyNamespace = { StringLike: { "aws:RequestTag/kubernetes-namespace": "*", "aws:RequestTag/kubernetes-service-account": "cloudwatch-agent" } };
      expect(serviceTrustHasSourceConditions.check(weakened(anyNamespace)).map((f) => f.message)).toEqual([
        expect.stringContaining("trusts pods.eks.amazonaws.com without aws:RequestTag/kubernetes-namespace"),
      ]);
    });

    it.each([
      ["aws:SourceArn removed", (c: Any) => ({ StringEquals: c.StringEquals }), "without aws:SourceArn"],
      ["aws:SourceAccount removed", (c: Any) => ({ ArnLike: c.ArnLike }), "without aws:SourceAccount"],
      ["the ARN widened to *", (c: Any) => ({ ...c, ArnLike: { "aws:SourceArn": "*" } }), "without aws:SourceArn"],
      ["IfExists operators (which pass when the key is absent)", (c: Any) => ({ StringEqualsIfExists: c.StringEquals, ArnLikeIfExists: c.ArnLike }), "without aws:SourceAccount and aws:SourceArn"],
      ["negated operators", (c: Any) => ({ StringNotEquals: c.StringEquals, ArnNotLike: c.ArnLike }), "without aws:SourceAccount and aws:SourceArn"],
    ])("flags the cluster role's trust with %s", (_name, weaken, message) => {
      const mutated = withSourceConditions(dev, (service) => {
        const condition = documentedCondition(service);
        return service === "eks.amazonaws.com" && condition ? weaken(condition) : condition;
      });
      expect(serviceTrustHasSourceConditions.check(mutated).map((f) => f.message)).toEqual([expect.stringContaining(`trusts eks.amazonaws.com ${message}`)]);
    });

    it("flags a second, unconditioned statement for the same principal, and a principal with no row in the table", () => {
      const mutated = withSourceConditions(dev);
      const roles = resourceBlock(iacStack(mutated), "aws_iam_role") as Record<string, Any>;
      const clusterRole = Object.values(roles).find((r) => String(r.assume_role_policy).includes("eks.amazonaws.com\""));
      const doc = JSON.parse(clusterRole.assume_role_policy);
      doc.Statement.push({ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" });
      clusterRole.assume_role_policy = JSON.stringify(doc);
      roles.lambda = { name: "fn", assume_role_policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) };
      expect(serviceTrustHasSourceConditions.check(mutated).map((f) => f.message)).toEqual([
        "statement 1 trusts eks.amazonaws.com without aws:SourceAccount and aws:SourceArn (confused-deputy prevention; EKS User Guide, \"Cross-service confused deputy prevention\")",
        "statement 0 trusts lambda.amazonaws.com, which has no row in the table of service principals and the source conditions AWS supports for them",
      ]);
    });

    it("requires the conditions on every statement that lets the service assume the role (sts:* too), not on a TagSession-only one", () => {
      const mutated = withSourceConditions(dev);
      const roles = resourceBlock(iacStack(mutated), "aws_iam_role") as Record<string, Any>;
      const clusterRole = Object.values(roles).find((r) => String(r.assume_role_policy).includes("eks.amazonaws.com\""));
      const doc = JSON.parse(clusterRole.assume_role_policy);
      doc.Statement[0].Action = "sts:AssumeRole";
      doc.Statement.push({ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:TagSession" });
      clusterRole.assume_role_policy = JSON.stringify(doc);
      expect(serviceTrustHasSourceConditions.check(mutated)).toEqual([]);
      doc.Statement[1].Action = ["sts:TagSession", "sts:*"];
      clusterRole.assume_role_policy = JSON.stringify(doc);
      expect(serviceTrustHasSourceConditions.check(mutated).map((f) => f.message)).toEqual([expect.stringMatching(/^statement 1 trusts eks\.amazonaws\.com without/)]);
    });

    it("reads a trust policy written as an aws_iam_policy_document with condition blocks", () => {
      const mutated = withSourceConditions(dev);
      const stack = iacStack(mutated);
      const roles = resourceBlock(stack, "aws_iam_role") as Record<string, Any>;
      const clusterRole = Object.values(roles).find((r) => String(r.assume_role_policy).includes("eks.amazonaws.com\""));
      const statement = (conditions: Json[]) => ({ effect: "Allow", actions: ["sts:AssumeRole", "sts:TagSession"], principals: [{ type: "Service", identifiers: ["eks.amazonaws.com"] }], condition: conditions });
      const both = [{ test: "StringEquals", variable: "aws:SourceAccount", values: [account] }, { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${partition}:eks:eu-west-1:${account}:cluster/dev-eks-gpp0`] }];
      (stack.json as Any).data.aws_iam_policy_document = { trust: { statement: [statement(both)] } };
      clusterRole.assume_role_policy = "${data.aws_iam_policy_document.trust.json}";
      expect(serviceTrustHasSourceConditions.check(mutated)).toEqual([]);
      (stack.json as Any).data.aws_iam_policy_document.trust.statement = [statement(both.slice(0, 1))];
      expect(serviceTrustHasSourceConditions.check(mutated).map((f) => f.message)).toEqual([expect.stringContaining("trusts eks.amazonaws.com without aws:SourceArn")]);
    });
  });
});

// argocd mode.
const REPO = "https://github.com/example/gpp-platform.git";
const argocdDeployment = parseDeployment(
  [
    "deployment_id: gpp0",
    "env: dev",
    "region: eu-west-1",
    "gitops:",
    "  engine: argocd",
    `  repo_url: ${REPO}`,
    "  revision: 0578de0a1b2c3d4e5f60718293a4b5c6d7e8f901",
    "tenants:",
    "  - id: acme",
    "    rollout_group: canary",
    "  - id: globex",
  ].join("\n"),
  "/repo/deployments/gpp0.yaml",
);

const withKubernetes = (evidence: Evidence, kubernetes: KubernetesObject[]) => ({ ...evidence.input, kubernetes });
const edit = (evidence: Evidence, kind: string, change: (manifest: Record<string, any>) => void): KubernetesObject[] => // eslint-disable-line @typescript-eslint/no-explicit-any
  evidence.input.kubernetes.map((o) => {
    if (kindOf(o) !== kind) return o;
    const manifest = structuredClone(o.manifest) as Json;
    change(manifest);
    return { ...o, manifest };
  });

describe.skipIf(!helm.found)("argocd mode under pnpm policy", () => {
  let evidence: Evidence;
  beforeAll(() => {
    evidence = collectEvidence(argocdDeployment, helmPath);
  });

  it("sees what Argo CD would apply: each Application, its namespace and the chart's objects in it", () => {
    const apps = evidence.input.kubernetes.filter((o) => kindOf(o) === "Application").map(nameOf);
    expect(apps).toEqual(["tenant-acme", "tenant-globex"]);
    const inAcme = evidence.input.kubernetes.filter((o) => o.namespace === "tenant-acme").map(kindOf);
    expect(inAcme).toEqual(expect.arrayContaining(["Deployment", "NetworkPolicy", "ResourceQuota", "LimitRange", "Service", "Ingress"]));
  });

  it("gives no findings for the real argocd-mode stacks (K8S-GITOPS-001, K8S-GITOPS-002 and every other rule)", () => {
    const findings = evaluate(evidence.input);
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it("K8S-GITOPS-001 catches a wildcard destination, a cluster-scoped kind, an open kind list and a wildcard repository", () => {
    const mutations: [string, (m: Record<string, any>) => void, string][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      ["destination", (m) => m.spec.destinations.push({ server: "https://kubernetes.default.svc", namespace: "*" }), "destinations holds a wildcard"],
      ["cluster kind", (m) => m.spec.clusterResourceWhitelist.push({ group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding" }), "only Namespace is allowed"],
      ["open kinds", (m) => delete m.spec.namespaceResourceWhitelist, "every namespaced kind is allowed"],
      ["repository", (m) => (m.spec.sourceRepos = ["*"]), "sourceRepos holds a wildcard"],
    ];
    for (const [what, change, message] of mutations) {
      const found = appProjectConfinement.check(withKubernetes(evidence, edit(evidence, "AppProject", change)));
      expect(found.map((f) => f.message).join("\n"), what).toContain(message);
    }
  });

  it("K8S-GITOPS-002 catches an Application aimed at kube-system, at another cluster, or outside its project", () => {
    const aimAt = (namespace: string, server = "https://kubernetes.default.svc") =>
      edit(evidence, "Application", (m) => {
        if (m.metadata.name === "tenant-acme") m.spec.destination = { server, namespace };
      });
    expect(applicationDestinations.check(withKubernetes(evidence, aimAt("kube-system"))).map((f) => f.message)).toEqual(
      expect.arrayContaining([expect.stringContaining("kube-system is not a tenant namespace"), expect.stringContaining("rendered into tenant-acme, not its Application's kube-system")]),
    );
    expect(applicationDestinations.check(withKubernetes(evidence, aimAt("tenant-acme", "https://elsewhere.example:6443"))).map((f) => f.message).join("\n")).toContain("is not https://kubernetes.default.svc");
    const unlisted = edit(evidence, "AppProject", (m) => (m.spec.destinations = m.spec.destinations.filter((d: Json) => d.namespace !== "tenant-globex")));
    expect(applicationDestinations.check(withKubernetes(evidence, unlisted)).map((f) => f.message)).toEqual(["its AppProject does not list tenant-globex as a destination"]);
  });
});

// Rendering one release.
const options = () => ({ helmPath: helmPath as string, kubernetesVersion: "1.35", workDir: mkdtempSync(path.join(tmpdir(), "policy-render-")) });
const DIGEST = `sha256:${"d".repeat(64)}`;

describe.skipIf(!helm.found)("rendering a helm_release as the provider would install it", () => {
  it("applies the release's values files in order, then its set entries, in the release's namespace", () => {
    const objects = renderRelease(
      {
        name: "acme",
        namespace: "tenant-acme",
        values: [JSON.stringify({ image: { tag: "v1" } }), JSON.stringify({ image: { tag: "v2" } })],
        set: [{ name: "image.digest", value: DIGEST }],
      },
      CHART_DIR,
      "s/helm_release.acme",
      options(),
    );
    const deployment = objects.find((o) => o.manifest.kind === "Deployment");
    expect(deployment?.namespace).toBe("tenant-acme");
    expect(deployment?.origin).toBe("s/helm_release.acme");
    const [app] = containersOf(podTemplateOf(deployment!)!.spec);
    expect(app?.container.image).toBe(`gradyent/tech-interview:v2@${DIGEST}`);
  });

  it("fails with helm's message when the chart rejects the values", () => {
    expect(() => renderRelease({ name: "bad", namespace: "t", values: [JSON.stringify({ replicas: 3 })] }, CHART_DIR, "s/helm_release.bad", options())).toThrow(
      /helm template of s\/helm_release\.bad failed .*replicas/s,
    );
  });
});

describe("the helm arguments of a release's set entries", () => {
  it("passes set as --set, string-typed and sensitive entries as they are typed, and set_list as a list", () => {
    expect(
      setArguments({
        set: [{ name: "replicas", value: "3" }, { name: "image.tag", value: "1.0", type: "string" }],
        set_sensitive: [{ name: "token", value: "s3cret" }],
        set_list: [{ name: "hosts", value: ["a.example.org", "b.example.org"] }],
      }),
    ).toEqual(["--set", "replicas=3", "--set-string", "image.tag=1.0", "--set", "token=s3cret", "--set", "hosts={a.example.org,b.example.org}"]);
  });

  it("gives no arguments for a release without set entries", () => {
    expect(setArguments({ name: "r" })).toEqual([]);
  });
});
