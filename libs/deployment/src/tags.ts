/**
 * AWS allows at most 50 user tags on a resource (tags with the `aws:` prefix do not count); a create or
 * TagResource call with more fails, in the middle of an apply. Source: "Tagging AWS resources", section
 * "Tag naming limits and requirements".
 */
export const AWS_MAX_TAGS_PER_RESOURCE = 50;

/** The tags every resource carries through the provider's default_tags (libs/stack `defaultTags`), whatever the descriptor says. */
export const IDENTIFYING_TAG_KEYS = ["app", "env", "deployment", "managed-by", "source-repository", "source-path"] as const;

/**
 * Tags added to single resources on top of the default tags, at most: the VPC module's `Name` and the
 * subnets' load-balancer role tag (2), and what EKS Auto Mode puts on the instances and volumes it launches
 * besides the NodeClass's tags (`Name`, `eks:eks-cluster-name`, `eks:kubernetes-node-pool-name`,
 * `eks:kubernetes-node-class-name`, `kubernetes.io/cluster/<name>`, `karpenter.sh/nodepool`: 6, and room for
 * 2 more). Kept as headroom so no single resource crosses the limit.
 */
export const PER_RESOURCE_TAG_HEADROOM = 8;

/** How many tags of its own a descriptor may add. */
export const MAX_DESCRIPTOR_TAGS = AWS_MAX_TAGS_PER_RESOURCE - IDENTIFYING_TAG_KEYS.length - PER_RESOURCE_TAG_HEADROOM;

/** The problem with a descriptor's tags, or undefined: counted as they will be applied (an identifying key is overridden, not added). */
export function tagCountProblem(tags: Readonly<Record<string, string>>): string | undefined {
  const own = Object.keys(tags).filter((key) => !(IDENTIFYING_TAG_KEYS as readonly string[]).includes(key));
  if (own.length <= MAX_DESCRIPTOR_TAGS) return undefined;
  return (
    `has ${own.length} tags, more than the ${MAX_DESCRIPTOR_TAGS} a descriptor may add: AWS allows ${AWS_MAX_TAGS_PER_RESOURCE} per resource, ` +
    `the project adds ${IDENTIFYING_TAG_KEYS.length} to every resource and keeps ${PER_RESOURCE_TAG_HEADROOM} for the ones single resources get`
  );
}
