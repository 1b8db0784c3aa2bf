/**
 * What carries the deployment's cost-allocation tag (`deployment`, the key the budget filters on) into
 * the bill, read from the synthesized stacks. Three carriers exist:
 * - the AWS provider's default_tags: every resource Terraform creates, modules included (the VPC module
 *   uses the default provider);
 * - the Auto Mode NodeClass's `spec.tags`: the nodes (EC2 instances) and their volumes Auto Mode
 *   launches for a NodePool that references that NodeClass;
 * - the Traefik Service's `aws-load-balancer-additional-resource-tags` annotation: the NLB and its
 *   target groups Auto Mode creates.
 */

type Json = Record<string, unknown>;

/** The tag the budget filters on (iac/src/budgets.ts) and its value for one deployment. */
export const BUDGET_TAG_KEY = "deployment";

export const NLB_RESOURCE_TAGS_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags";

export type TagCarrier = "provider default_tags" | "NodeClass tags" | "NLB annotation";

export interface BudgetVisibility {
  /** Carriers that put `deployment=<id>` on what they create. */
  readonly tagged: ReadonlySet<TagCarrier>;
  /** Root volume size per node in GiB, from the tagged NodeClass (undefined without one). */
  readonly nodeVolumeGi?: number;
}

const resources = (stack: Json, type: string): Json[] =>
  Object.values(((stack.resource as Record<string, Record<string, Json>> | undefined) ?? {})[type] ?? {});

function providerTagsDeployment(iac: Json, deploymentId: string): boolean {
  const aws = ((iac.provider as Record<string, Json[]> | undefined) ?? {}).aws ?? [];
  return aws.length > 0 && aws.every((p) => ((p.default_tags as { tags?: Json }[] | undefined)?.[0]?.tags ?? {})[BUDGET_TAG_KEY] === deploymentId);
}

/** The NodeClass that tags `deployment=<id>` and is referenced by a NodePool, if any. */
function taggedNodeClass(helm: Json, deploymentId: string): Json | undefined {
  const manifests = resources(helm, "kubernetes_manifest").map((r) => r.manifest as Json);
  const pooled = new Set(
    manifests
      .filter((m) => m.kind === "NodePool")
      .map((m) => ((((m.spec as Json).template as Json).spec as Json).nodeClassRef as Json).name),
  );
  return manifests.find(
    (m) =>
      m.kind === "NodeClass" &&
      pooled.has((m.metadata as Json).name) &&
      (((m.spec as Json).tags as Json | undefined) ?? {})[BUDGET_TAG_KEY] === deploymentId,
  );
}

/** The annotation's `k=v,k=v`, as the load balancer controller reads it. */
export function parseResourceTags(annotation: string): Record<string, string> {
  return Object.fromEntries(
    annotation
      .split(",")
      .map((pair) => pair.split("=").map((s) => s.trim()))
      .filter((kv) => kv.length === 2)
      .map(([k, v]) => [k as string, v as string]),
  );
}

function nlbTagsDeployment(helm: Json, deploymentId: string): boolean {
  const traefik = resources(helm, "helm_release").filter((r) => r.chart === "traefik");
  return (
    traefik.length > 0 &&
    traefik.every((release) => {
      const values = JSON.parse(((release.values as string[] | undefined) ?? [])[0] ?? "{}") as { service?: { annotations?: Json } };
      const annotation = values.service?.annotations?.[NLB_RESOURCE_TAGS_ANNOTATION];
      return typeof annotation === "string" && parseResourceTags(annotation)[BUDGET_TAG_KEY] === deploymentId;
    })
  );
}

export function budgetVisibility(deploymentId: string, iac: Json, helm: Json): BudgetVisibility {
  const tagged = new Set<TagCarrier>();
  if (providerTagsDeployment(iac, deploymentId)) tagged.add("provider default_tags");
  const nodeClass = taggedNodeClass(helm, deploymentId);
  if (nodeClass) tagged.add("NodeClass tags");
  if (nlbTagsDeployment(helm, deploymentId)) tagged.add("NLB annotation");
  const size = ((((nodeClass?.spec as Json | undefined)?.ephemeralStorage as Json | undefined) ?? {}).size as string | undefined) ?? "";
  const gi = /^(\d+)Gi$/.exec(size);
  return { tagged, ...(gi ? { nodeVolumeGi: Number(gi[1]) } : {}) };
}
