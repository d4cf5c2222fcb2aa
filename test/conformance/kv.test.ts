// The KV gateway conformance suite: spec §11 KV and HTTP-layer cases plus our own, against real
// etcd and etcd-ts (see test/framework/targets.ts; CONFORMANCE_TARGETS selects).
import { httpCases, kvCases } from './cases.js'
import { runCases } from './run-cases.js'

runCases('kv', [...kvCases, ...httpCases])
