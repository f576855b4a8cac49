/**
 * The canonical user model, issues and the adapter contract: what every other package shares.
 */
export * as Issue from "./Issue.js"
export * as User from "./User.js"
export * as Field from "./Field.js"
export * as Codec from "./Codec.js"
export * as Adapter from "./Adapter.js"
export * as Table from "./Table.js"
