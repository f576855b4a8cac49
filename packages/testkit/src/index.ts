/**
 * The conformance suite for adapters, and the fixture reader it runs on.
 */
export * as Arbitrary from "./Arbitrary.js"
export * as Fixtures from "./Fixtures.js"
export { adapterSuite, caseSuite, write } from "./Suite.js"
