// etcd_network_* metric families of the peer transport (names as etcd's where etcd has one).
import { Counter, Histogram, type Registry } from 'prom-client'

export interface TransportMetrics {
  droppedMessages: Counter
  sentFailures: Counter
  receivedBytes: Counter
  sentBytes: Counter
  roundTrip: Histogram
  snapshotSendSuccess: Counter
  snapshotSendFailures: Counter
  snapshotSendSeconds: Histogram
  snapshotReceiveSuccess: Counter
  snapshotReceiveSeconds: Histogram
}

function getOr<T> (r: Registry, name: string, make: () => T): T {
  return (r.getSingleMetric(name) as T | undefined) ?? make()
}

export function newTransportMetrics (r: Registry): TransportMetrics {
  const reg = [r]
  return {
    droppedMessages: getOr(r, 'etcd_network_peer_dropped_messages_total', () => new Counter({ name: 'etcd_network_peer_dropped_messages_total', help: 'Raft messages dropped because a peer send queue was full or the peer unknown.', labelNames: ['To'], registers: reg })),
    sentFailures: getOr(r, 'etcd_network_peer_sent_failures_total', () => new Counter({ name: 'etcd_network_peer_sent_failures_total', help: 'The total number of send failures to peers.', labelNames: ['To'], registers: reg })),
    receivedBytes: getOr(r, 'etcd_network_peer_received_bytes_total', () => new Counter({ name: 'etcd_network_peer_received_bytes_total', help: 'The total number of bytes received from peers.', labelNames: ['From'], registers: reg })),
    sentBytes: getOr(r, 'etcd_network_peer_sent_bytes_total', () => new Counter({ name: 'etcd_network_peer_sent_bytes_total', help: 'The total number of bytes sent to peers.', labelNames: ['To'], registers: reg })),
    roundTrip: getOr(r, 'etcd_network_peer_round_trip_time_seconds', () => new Histogram({ name: 'etcd_network_peer_round_trip_time_seconds', help: 'Round-trip time histogram between peers.', labelNames: ['To'], buckets: Array.from({ length: 16 }, (_, i) => 0.0001 * 2 ** i), registers: reg })),
    snapshotSendSuccess: getOr(r, 'etcd_network_snapshot_send_success', () => new Counter({ name: 'etcd_network_snapshot_send_success', help: 'Total number of successful snapshot sends.', labelNames: ['To'], registers: reg })),
    snapshotSendFailures: getOr(r, 'etcd_network_snapshot_send_failures', () => new Counter({ name: 'etcd_network_snapshot_send_failures', help: 'Total number of snapshot send failures.', labelNames: ['To'], registers: reg })),
    snapshotSendSeconds: getOr(r, 'etcd_network_snapshot_send_total_duration_seconds', () => new Histogram({ name: 'etcd_network_snapshot_send_total_duration_seconds', help: 'Total latency distributions of v3 snapshot sends.', labelNames: ['To'], buckets: Array.from({ length: 14 }, (_, i) => 0.1 * 2 ** i), registers: reg })),
    snapshotReceiveSuccess: getOr(r, 'etcd_network_snapshot_receive_success', () => new Counter({ name: 'etcd_network_snapshot_receive_success', help: 'Total number of successful snapshot receives.', labelNames: ['From'], registers: reg })),
    snapshotReceiveSeconds: getOr(r, 'etcd_network_snapshot_receive_total_duration_seconds', () => new Histogram({ name: 'etcd_network_snapshot_receive_total_duration_seconds', help: 'Total latency distributions of v3 snapshot receives.', labelNames: ['From'], buckets: Array.from({ length: 14 }, (_, i) => 0.1 * 2 ** i), registers: reg }))
  }
}
