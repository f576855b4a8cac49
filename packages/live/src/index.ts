/**
 * pbxport live connections: connection profiles, the HTTP client with its retry rules, and the
 * contract a platform's connector and sandbox implement (`Connector`, `Platform`).
 *
 * @example
 * import { Profile } from "@pbxport/live"
 * const read = Profile.read("wazo.json")
 */
export * as Connector from "./Connector.js"
export * as Http from "./Http.js"
export * as LiveError from "./LiveError.js"
export * as Platform from "./Platform.js"
export * as Profile from "./Profile.js"
