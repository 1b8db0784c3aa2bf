/**
 * What each IAM role of the stacks may hold and who may assume it: a managed-policy allow-list per role,
 * identified by what the role is used for (not by construct id), and confused-deputy conditions on the
 * trust policies of the service principals whose AWS documentation supports them.
 */
import { blocks, isObject, isToken, readPolicy, referencedResource, type PolicyStatement, type TerraformBlock } from "../terraform";
import type { Rule, SynthesizedStack, Violation } from "../types";

// ---- Managed-policy allow-lists ------------------------------------------------------------------------

/**
 * The AWS-managed policies each role needs, and nothing else. Kept here, apart from the iac package that
 * attaches them, on purpose: widening a role must change this reviewed list too (the iac package does not
 * export its lists to other packages; its `package.json` exports only `app`, `stack`, `plan`, `plan-tools`).
 * `real-deployments.test.ts` proves the real stacks attach exactly these, so the two cannot drift apart silently.
 */
export const MANAGED_POLICY_ALLOW_LIST = {
  /** AWS EKS User Guide, "Amazon EKS Auto Mode cluster IAM role" (security/iam-reference/auto-cluster-iam-role.adoc). */
  cluster: ["AmazonEKSClusterPolicy", "AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy"],
  /** AWS EKS User Guide, "Amazon EKS Auto Mode node IAM role" (security/iam-reference/auto-create-node-role.adoc). */
  node: ["AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"],
  /** The amazon-cloudwatch-observability add-on's agent (Container Insights with EKS Pod Identity). */
  observability: ["CloudWatchAgentServerPolicy", "AWSXrayWriteOnlyAccess"],
} as const satisfies Record<string, readonly string[]>;

export type RolePurpose = keyof typeof MANAGED_POLICY_ALLOW_LIST;

/** The service account the observability add-on runs its agent as (AWS docs for amazon-cloudwatch-observability). */
const CLOUDWATCH_AGENT = { namespace: "amazon-cloudwatch", serviceAccount: "cloudwatch-agent" } as const;

const roleOf = (value: unknown): string | undefined => {
  const reference = referencedResource(value);
  return reference?.type === "aws_iam_role" ? reference.name : undefined;
};

const firstBlock = (value: unknown) => (Array.isArray(value) ? value.find(isObject) : isObject(value) ? value : undefined);

/** What each role of a stack is for, read from where it is used: the cluster, its nodes, the agent's Pod Identity. */
export function rolePurposes(stack: SynthesizedStack): Map<string, RolePurpose> {
  const purposes = new Map<string, RolePurpose>();
  for (const cluster of blocks(stack, ["resource"], ["aws_eks_cluster"])) {
    const clusterRole = roleOf(cluster.body.role_arn);
    if (clusterRole) purposes.set(clusterRole, "cluster");
    const nodeRole = roleOf(firstBlock(cluster.body.compute_config)?.node_role_arn);
    if (nodeRole) purposes.set(nodeRole, "node");
  }
  for (const association of blocks(stack, ["resource"], ["aws_eks_pod_identity_association"])) {
    if (association.body.namespace !== CLOUDWATCH_AGENT.namespace || association.body.service_account !== CLOUDWATCH_AGENT.serviceAccount) continue;
    const role = roleOf(association.body.role_arn);
    if (role) purposes.set(role, "observability");
  }
  return purposes;
}

export interface Attachment {
  readonly via: TerraformBlock;
  /** The aws_iam_role (resource name) it attaches to, or the unresolved value. */
  readonly role: { readonly name: string } | { readonly unresolved: string };
  readonly policyArn: string;
}

const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

/** Every managed-policy attachment of a stack, with the role it reaches. */
export function attachments(stack: SynthesizedStack): Attachment[] {
  const roles = blocks(stack, ["resource"], ["aws_iam_role"]);
  const resolve = (value: string): Attachment["role"] => {
    const referenced = roleOf(value);
    if (referenced && roles.some((r) => r.name === referenced)) return { name: referenced };
    const byName = isToken(value) ? undefined : roles.find((r) => r.body.name === value);
    return byName ? { name: byName.name } : { unresolved: value };
  };
  const found: Attachment[] = [];
  for (const block of blocks(stack, ["resource"], ["aws_iam_role_policy_attachments_exclusive", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_role"])) {
    if (block.type === "aws_iam_role") {
      for (const policyArn of asStrings(block.body.managed_policy_arns)) found.push({ via: block, role: { name: block.name }, policyArn });
      continue;
    }
    const roleValues = block.type === "aws_iam_role_policy_attachments_exclusive" ? asStrings(block.body.role_name) : block.type === "aws_iam_role_policy_attachment" ? asStrings(block.body.role) : asStrings(block.body.roles);
    const arns = asStrings(block.type === "aws_iam_role_policy_attachments_exclusive" ? block.body.policy_arns : block.body.policy_arn);
    for (const roleValue of roleValues) for (const policyArn of arns) found.push({ via: block, role: resolve(roleValue), policyArn });
  }
  return found;
}

/** `arn:<partition>:iam::aws:policy/<path/name>` -> `<path/name>`, whatever the partition expression. */
export const awsManagedPolicyName = (arn: string): string | undefined => /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn)?.[1];

export const managedPoliciesAllowListed: Rule = {
  id: "AWS-IAM-004",
  title: "Each IAM role holds only the AWS-managed policies on its allow-list",
  control:
    "The cluster role holds the five Auto Mode policies, the node role the two node policies, the observability " +
    "agent's role its two; a broad policy (AmazonS3FullAccess, AmazonEC2FullAccess on the node role, ...) would hand " +
    "every pod or node that power. A role used for anything else may hold no AWS-managed policy; a customer-managed " +
    "policy of the same stack is allowed (its document is checked by AWS-IAM-001..003); anything unresolvable is a finding.",
  check: ({ stacks }) =>
    stacks.flatMap((stack) => {
      const purposes = rolePurposes(stack);
      return attachments(stack).flatMap(({ via, role, policyArn }): Violation[] => {
        if ("unresolved" in role) {
          return [{ address: via.address, message: `attaches ${policyArn} to ${role.unresolved}, which is no aws_iam_role of this stack, so its allow-list cannot be checked` }];
        }
        const managed = awsManagedPolicyName(policyArn);
        if (managed === undefined) {
          const own = referencedResource(policyArn);
          return own?.type === "aws_iam_policy" && own.attribute === "arn"
            ? []
            : [{ address: via.address, message: `attaches ${policyArn} to aws_iam_role.${role.name}: neither an AWS-managed policy nor an aws_iam_policy of this stack, so it cannot be checked` }];
        }
        const purpose = purposes.get(role.name);
        if (purpose === undefined) {
          return [{ address: via.address, message: `attaches ${managed} to aws_iam_role.${role.name}, a role with no managed-policy allow-list (it is not the cluster, node or observability role)` }];
        }
        const allowed: readonly string[] = MANAGED_POLICY_ALLOW_LIST[purpose];
        return allowed.includes(managed)
          ? []
          : [{ address: via.address, message: `attaches ${managed} to the ${purpose} role aws_iam_role.${role.name}; its allow-list is ${allowed.join(", ")}` }];
      });
    }),
};

// ---- Confused-deputy conditions on service-principal trust ---------------------------------------------

/** A condition key the rule requires: the confused-deputy keys, or the session tags Pod Identity documents instead. */
export type TrustConditionKey = "aws:SourceAccount" | "aws:SourceArn" | "aws:RequestTag/kubernetes-namespace" | "aws:RequestTag/kubernetes-service-account";

/**
 * Service principals a role of the stacks may trust, and the confused-deputy condition keys the rule requires
 * for each, with where AWS documents that the service sends them. A principal missing from this table is a
 * finding, so a new one gets a decision and a source.
 */
export const TRUSTED_SERVICE_CONDITIONS: Readonly<Record<string, { readonly required: readonly TrustConditionKey[]; readonly source: string }>> = {
  "eks.amazonaws.com": {
    required: ["aws:SourceAccount", "aws:SourceArn"],
    source:
      "EKS User Guide, \"Cross-service confused deputy prevention\" (security/cross-service-confused-deputy-prevention.adoc): " +
      "cluster role trust with ArnLike aws:SourceArn = arn:<partition>:eks:<region>:<account>:cluster/<name> and StringEquals aws:SourceAccount",
  },
  "vpc-flow-logs.amazonaws.com": {
    required: ["aws:SourceAccount", "aws:SourceArn"],
    source:
      "VPC User Guide, \"IAM role for publishing flow logs to CloudWatch Logs\" (flow-logs-iam-role): StringEquals aws:SourceAccount " +
      "and ArnLike aws:SourceArn = arn:<partition>:ec2:<region>:<account>:vpc-flow-log/<id or *>",
  },
  "pods.eks.amazonaws.com": {
    // No source keys are documented for Pod Identity; the session tags it sends are its documented narrowing.
    required: ["aws:RequestTag/kubernetes-namespace", "aws:RequestTag/kubernetes-service-account"],
    source:
      "EKS User Guide, \"Create IAM role with trust policy required by EKS Pod Identity\" (pod-id-role.adoc): documents no " +
      "aws:SourceAccount/aws:SourceArn, only conditions on the session tags it sends (aws:RequestTag/kubernetes-namespace, kubernetes-service-account, eks-cluster-name, ...)",
  },
  "ec2.amazonaws.com": {
    required: [],
    source:
      "EKS User Guide, \"Amazon EKS Auto Mode node IAM role\" (auto-create-node-role.adoc): trust ec2.amazonaws.com with no condition; " +
      "EC2 documents no source conditions for instance-profile roles",
  },
};

/** Operators that bind a key to the listed values (not negated, not IfExists, which passes when the key is absent). */
const BINDING_OPERATORS: Record<TrustConditionKey, readonly string[]> = {
  "aws:SourceAccount": ["stringequals", "stringlike"],
  "aws:SourceArn": ["arnequals", "arnlike", "stringequals", "stringlike"],
  "aws:RequestTag/kubernetes-namespace": ["stringequals", "stringlike"],
  "aws:RequestTag/kubernetes-service-account": ["stringequals", "stringlike"],
};

/** Whether a statement binds the key to something narrower than everything. */
export function binds(statement: PolicyStatement, key: TrustConditionKey): boolean {
  return statement.conditions.some(
    (c) =>
      c.key.toLowerCase() === key.toLowerCase() &&
      BINDING_OPERATORS[key].includes(c.operator.toLowerCase()) &&
      c.values.length > 0 &&
      c.values.every((v) => v.replace(/\*/g, "") !== ""),
  );
}

/** `sts:AssumeRole`, or a pattern that covers it (`*`, `sts:*`, `sts:Assume?ole`); IAM action names are case-insensitive. */
const allowsAssumeRole = (action: string): boolean =>
  new RegExp(`^${action.toLowerCase().replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test("sts:assumerole");

export const serviceTrustHasSourceConditions: Rule = {
  id: "AWS-IAM-005",
  title: "Service-principal trust policies carry aws:SourceAccount and aws:SourceArn where AWS supports them (Pod Identity: its session tags)",
  control:
    "A role trusted by an AWS service can only be assumed by that service acting for this account's own resource " +
    "(confused-deputy prevention): every Allow statement letting eks.amazonaws.com or vpc-flow-logs.amazonaws.com assume a " +
    "role binds aws:SourceAccount and aws:SourceArn; one letting Pod Identity (pods.eks.amazonaws.com) assume it binds the " +
    "namespace and service account it is for; ec2.amazonaws.com needs nothing (AWS documents no such keys); an unlisted principal is a finding.",
  check: ({ stacks }) =>
    stacks.flatMap((stack) =>
      blocks(stack, ["resource"], ["aws_iam_role"]).flatMap((role): Violation[] => {
        // An unreadable trust policy is already a finding of AWS-IAM-001.
        const statements = readPolicy(stack, role.body.assume_role_policy) ?? [];
        return statements.flatMap((statement, i) => {
          // Only a statement that lets the service assume the role can be abused as a deputy (a TagSession-only one cannot).
          if (statement.effect !== "Allow" || !statement.actions.some(allowsAssumeRole)) return [];
          const services = statement.principals.filter((p) => p.startsWith("Service:")).map((p) => p.slice("Service:".length));
          return services.flatMap((service): Violation[] => {
            const address = `${role.address} (assume_role_policy)`;
            const where = `statement ${statement.sid ?? i}`;
            const row = TRUSTED_SERVICE_CONDITIONS[service];
            if (!row) return [{ address, message: `${where} trusts ${service}, which has no row in the table of service principals and the source conditions AWS supports for them` }];
            const missing = row.required.filter((key) => !binds(statement, key));
            return missing.length === 0 ? [] : [{ address, message: `${where} trusts ${service} without ${missing.join(" and ")} (confused-deputy prevention; ${row.source.split(" (")[0]})` }];
          });
        });
      }),
    ),
};

export const IAM_ROLE_RULES: readonly Rule[] = [managedPoliciesAllowListed, serviceTrustHasSourceConditions];
