// HTTP-layer conformance: OPTIONS, CORS and the host allow-list, with default and restricted
// access flags, against real etcd and etcd-ts.
import { defaultAccessCases, restrictedAccessCases, restrictedAccessFlags } from './http-cases.js'
import { runCases } from './run-cases.js'

runCases('http access (default flags)', defaultAccessCases)
runCases('http access (--cors, --host-whitelist)', restrictedAccessCases, restrictedAccessFlags)
