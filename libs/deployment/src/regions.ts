/**
 * The regions this project has checked facts for, and the only ones a descriptor may name: the schema
 * resolves availability zones from here and `pnpm cost` finds the region's list prices from here. A
 * region is added by adding its entry (with sources) and its prices in tools/cost/src/prices.ts.
 *
 * Sources, read 2026-12-01 (no AWS account from this machine, so not checked against
 * DescribeAvailabilityZones):
 * - zone IDs: AWS Regions and Availability Zones guide, "AWS Availability Zones" (the AZ ID table; its
 *   introduction names euw1-az1..az3 as eu-west-1's), and the EFS "Supported Availability Zones for One
 *   Zone file systems" table, which lists use1-az1, az2, az4, az5 and az6 in us-east-1 (az3 being the zone
 *   several services leave out).
 * - zones EKS refuses: EKS User Guide, "View Amazon EKS networking requirements for VPC and subnets",
 *   section "Subnet requirements for clusters" (awsdocs/amazon-eks-user-guide,
 *   latest/ug/networking/network-reqs.adoc): use1-az3 (us-east-1), usw1-az2 (us-west-1), cac1-az3
 *   (ca-central-1). CreateCluster answers UnsupportedAvailabilityZoneException for subnets there.
 */
export interface RegionFacts {
  /** The ARN partition: `arn:<partition>:...`. */
  readonly partition: "aws" | "aws-cn" | "aws-us-gov";
  /** Every Availability Zone ID of the region (Local and Wavelength Zones excluded). */
  readonly zoneIds: readonly string[];
  /** Zone IDs where EKS does not accept cluster subnets. */
  readonly eksUnsupportedZoneIds: readonly string[];
  /** The key of this region's list prices in tools/cost/src/prices.ts (PRICES). */
  readonly priceList: string;
}

export const REGIONS: Readonly<Record<string, RegionFacts>> = {
  "us-east-1": {
    partition: "aws",
    zoneIds: ["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"],
    eksUnsupportedZoneIds: ["use1-az3"],
    priceList: "us-east-1",
  },
  "eu-west-1": {
    partition: "aws",
    zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
    eksUnsupportedZoneIds: [],
    priceList: "eu-west-1",
  },
  "eu-central-1": {
    partition: "aws",
    zoneIds: ["euc1-az1", "euc1-az2", "euc1-az3"],
    eksUnsupportedZoneIds: [],
    priceList: "eu-central-1",
  },
};

export const KNOWN_REGIONS: readonly string[] = Object.keys(REGIONS);

export function regionFacts(region: string): RegionFacts | undefined {
  return Object.hasOwn(REGIONS, region) ? REGIONS[region] : undefined;
}

/** The zone IDs of a region where EKS accepts cluster subnets, in ID order. */
export function eksZoneIds(facts: RegionFacts): string[] {
  return facts.zoneIds.filter((id) => !facts.eksUnsupportedZoneIds.includes(id));
}

/**
 * A zone name (`eu-west-1a`) rather than an ID (`euw1-az1`): the rule terraform-aws-modules/vpc 6.6.0 uses
 * to choose between a subnet's availability_zone and availability_zone_id (main.tf, `^[a-z]{2}-`).
 */
export const isZoneName = (zone: string): boolean => /^[a-z]{2}-/.test(zone);
