export * from "./schema";
export * from "./load";
export * from "./naming";
export * from "./command-line";
export { cidrSubnet, parseIpv4Cidr } from "./cidr";
export { MAX_PUBLIC_ACCESS_PREFIX, publicAccessCidrProblem } from "./public-access";
