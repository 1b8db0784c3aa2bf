/**
 * The rules against hostile or careless changes, made to the REAL synthesized stacks and rendered tenant
 * manifests of gpp0 (dev) and the prod fixture: each mutation is caught, the unmutated evidence is not.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { collectEvidence } from "../src/collect";
import { kindOf, nameOf } from "../src/kubernetes";
import { MANAGED_POLICY_ALLOW_LIST, attachments, awsManagedPolicyName, managedPoliciesAllowListed, rolePurposes, serviceTrustHasSourceConditions } from "../src/rules/iam-roles";
import { noSecretsOrExecForTenants } from "../src/rules/rbac";
import { tenantReleases, tenantReleasesNamespaced } from "../src/rules/tenancy";
import type { Json, KubernetesObject, PolicyInput, SynthesizedStack } from "../src/types";
import { helm, helmPath, loadDefaultDeployment, loadProdDeployment } from "./deployments";

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
    dev = collectEvidence(loadDefaultDeployment(), helmPath).input;
    prod = collectEvidence(loadProdDeployment(), helmPath).input;
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
