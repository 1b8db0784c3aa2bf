export * from "./types";
export { evaluate, formatFindings } from "./engine";
export { RULES } from "./rules";
export { collectEvidence, renderRelease, type Evidence, type Unrendered } from "./collect";
export { stackKubernetesObjects } from "./kubernetes";
