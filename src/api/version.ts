// Version constants reported on the wire (/version, maintenance status, metrics, peer headers).
// etcd-ts implements etcd 3.5's behaviour, so it reports a 3.5 server version and cluster
// version 3.5.0 (gateway spec: "Version strings", differences table row 13).

/** The etcd server version we behave as. */
export const serverVersion = '3.5.33'
/** The lowest cluster version this server can join. */
export const minClusterVersion = '3.0.0'
/** The cluster version, major.minor.0. */
export const clusterVersion = '3.5.0'
/** The API version, major.minor. */
export const apiVersion = '3.5'
/** etcd-ts's own version (package.json). */
export const etcdTsVersion = '0.1.0'
