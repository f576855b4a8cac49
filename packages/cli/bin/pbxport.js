#!/usr/bin/env node
// The installed `pbxport` command. It is a committed file so npm can link it at install time,
// before the build has produced dist/ (npm links no bin whose target does not exist yet).
import "../dist/src/bin.js"
