// Peak resident set size while a benchmark runs (sampled; the peak between samples may be missed).
import v8 from 'node:v8';
import vm from 'node:vm';

export interface RssSampler {
  peakMb(): number;
  stop(): void;
}

export function sampleRss(intervalMs = 50): RssSampler {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  timer.unref();
  return {
    peakMb: () => Math.round(Math.max(peak, process.memoryUsage.rss()) / 1_048_576),
    stop: () => clearInterval(timer),
  };
}

/** A full GC before reading settled memory (`npm run bench` cannot pass --expose-gc, so enable it here). */
export function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}

export const rssMb = (): number => Math.round(process.memoryUsage.rss() / 1_048_576);

/** Where the resident memory is: V8 heap (used / reserved) and memory outside it (Buffers, native). */
export function memoryBreakdown(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1_048_576);
  return { heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external) };
}
