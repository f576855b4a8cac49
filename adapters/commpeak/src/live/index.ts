/**
 * The live side of the `commpeak` package (`@pbxport/adapter-commpeak/live`): CommPeak Dialer's
 * users API, its wire codecs, the HTTP client that speaks to it, and a local sandbox of it.
 *
 * Kept apart from the pure adapter (which never imports from here), as it does I/O.
 */
export * as Client from "./Client.js"
export * as Digest from "./Digest.js"
export * as Sandbox from "./Sandbox.js"
export * as Wire from "./Wire.js"
export * as Connector from "./Connector.js"
