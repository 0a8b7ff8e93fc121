// Mirrors the host's runtime store into the Prometheus gauges it owns.
import type { Metrics } from '../observability/metrics.ts';
import type { RuntimeStore } from './runtime-store.ts';

export function bindMetrics(store: RuntimeStore, metrics: Metrics): () => void {
  const subscription = store.subscribe((snapshot) => {
    metrics.mailboxDepth.set(snapshot.context.mailboxDepth);
    metrics.actorsInMemory.set(snapshot.context.actorsInMemory);
    metrics.partitionsOwned.set(snapshot.context.ownedPartitions.length);
  });
  return () => subscription.unsubscribe();
}
