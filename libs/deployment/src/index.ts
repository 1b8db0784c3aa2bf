export * from "./schema";
export * from "./load";
export * from "./naming";
export * from "./command-line";
export { cidrSubnet, parseIpv4Cidr } from "./cidr";
export * from "./kubernetes-versions";
export * from "./tags";
