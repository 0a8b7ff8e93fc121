// `leadline machines export [--out DIR]`: JSON definitions (Stately-loadable) and Mermaid diagrams.
import { exportMachines } from '../machines/export.ts';

export async function machinesExportCommand(options: { out: string }): Promise<void> {
  const written = await exportMachines(options.out);
  for (const file of written) process.stdout.write(`wrote ${file}\n`);
}
