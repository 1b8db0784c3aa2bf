export * from "./schema";
export * from "./load";
export * from "./naming";
export * from "./command-line";
export { cidrSubnet, defaultVpcCidr, parseIpv4Cidr } from "./cidr";
export { eksZoneIds, isZoneName, KNOWN_REGIONS, REGIONS, regionFacts, type RegionFacts } from "./regions";
export * from "./kubernetes-versions";
export * from "./tags";
export { MAX_PUBLIC_ACCESS_PREFIX, publicAccessCidrProblem } from "./public-access";
