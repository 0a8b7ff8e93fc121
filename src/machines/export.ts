// `leadline machines export`: writes each registered machine as `<id>.json` (its `toJSON()` definition,
// loadable by Stately tools) and `<id>.mmd` (a Mermaid state diagram). The one module under src/machines
// that touches the filesystem; the CLI calls it, nothing in the runtime does.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { toMermaid } from './mermaid.ts';
import { exportableMachines, type ExportableMachine } from './registry.ts';

/** Writes the files and returns their absolute paths, JSON then Mermaid per machine, in registry order. */
export async function exportMachines(
  outDir: string,
  machines: readonly ExportableMachine[] = exportableMachines(),
): Promise<string[]> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const { id, machine } of machines) {
    const jsonPath = join(dir, `${id}.json`);
    const mermaidPath = join(dir, `${id}.mmd`);
    await writeFile(jsonPath, `${JSON.stringify(machine.toJSON(), null, 2)}\n`);
    await writeFile(mermaidPath, toMermaid(machine));
    written.push(jsonPath, mermaidPath);
  }
  return written;
}
