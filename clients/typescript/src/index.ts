// The package's entry: the generated client and the spec's types.
export * from "./client.js";
export type { components, operations, paths } from "./schema.js";
