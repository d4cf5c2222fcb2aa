// Cluster-service and peer-port conformance (cluster-cases.ts) against real etcd and etcd-ts.
import { clusterCases, peerCases } from './cluster-cases.js'
import { runCases } from './run-cases.js'

runCases('cluster', clusterCases)
runCases('peer port', peerCases)
