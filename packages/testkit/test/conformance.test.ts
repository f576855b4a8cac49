/**
 * Runs the conformance suite against every registered dialect and every fixture case.
 */
import { Registry } from "pbxport"
import { adapterSuite, caseSuite, Fixtures } from "../src/index.js"

const cases = Fixtures.cases(Fixtures.root(import.meta.dirname))

for (const adapter of Registry.all) adapterSuite(adapter, cases)
for (const c of cases) caseSuite(c)
