import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { and, not, setup, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { exportMachines } from '../../src/machines/export.ts';
import { toMermaid } from '../../src/machines/mermaid.ts';
import { leadStatuses } from '../../src/machines/lead/lead-status.ts';
import { exportableMachines } from '../../src/machines/registry.ts';

// Every construct the diagram must draw: nesting, parallel regions, final states, guards (named, with
// params, higher-order, inline), delayed and eventless transitions, machine-level transitions.
const fixture = setup({
  guards: { isOk: () => true, isBig: (_, _params: { size: string }) => true },
}).createMachine({
  id: 'fixture',
  initial: 'idle',
  on: { RESET: '.idle' },
  states: {
    idle: {
      on: {
        GO: [{ target: 'working', guard: 'isOk' }, { target: 'done' }],
        BIG: { target: 'working', guard: { type: 'isBig', params: { size: 'xl' } } },
        BOTH: { target: 'split', guard: and(['isOk', not('isOk')]) },
        PING: {},
      },
      after: { 1000: 'split' },
    },
    working: {
      initial: 'step1',
      states: { step1: { on: { NEXT: 'step2' } }, step2: { type: 'final' } },
      onDone: 'done',
      always: {
        target: 'done',
        guard: function tooLate() {
          return false;
        },
      },
    },
    split: { type: 'parallel', states: { left: { initial: 'l1', states: { l1: {} } }, right: {} } },
    done: { type: 'final' },
  },
});

function allNodes(machine: AnyStateMachine): AnyStateNode[] {
  const nodes: AnyStateNode[] = [];
  const walk = (node: AnyStateNode): void => {
    nodes.push(node);
    for (const child of Object.values(node.states) as AnyStateNode[]) walk(child);
  };
  walk(machine.root);
  return nodes;
}

/** Structural check of a stateDiagram-v2: balanced blocks, every edge between declared states. */
function checkMermaid(text: string, machine: AnyStateMachine): void {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe('stateDiagram-v2');
  const declared = new Set<string>();
  let depth = 0;
  for (const line of lines.slice(1).map((l) => l.trim())) {
    const state = /^state "[^"]*" as (\w+)( \{)?$/.exec(line);
    if (state) {
      declared.add(state[1]!);
      if (state[2]) depth++;
    } else if (line === '}') depth--;
    else expect(line).toMatch(/^(--|(\[\*\]|\w+) --> (\[\*\]|\w+)( : [^;#{}:\n]+)?)$/);
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
  for (const [, from, to] of text.matchAll(/^\s*(\S+) --> (\S+)/gm)) {
    for (const end of [from!, to!]) if (end !== '[*]') expect(declared).toContain(end);
  }
  for (const node of allNodes(machine)) expect(text).toContain(`state "${node.key}" as `);
}

const outDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'leadline-export-'));
  outDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(outDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('toMermaid', () => {
  const text = toMermaid(fixture);

  it('declares every state, nested and parallel, inside balanced blocks', () => {
    checkMermaid(text, fixture);
    expect(text).toContain('state "working" as fixture_working {');
    expect(text).toMatch(/state "left" as fixture_split_left \{[\s\S]*\n\s*--\n\s*state "right"/);
  });

  it('marks initial and final states', () => {
    expect(text).toContain('[*] --> fixture_idle');
    expect(text).toContain('[*] --> fixture_working_step1');
    expect(text).toContain('fixture_working_step2 --> [*]');
    expect(text).toContain('fixture_done --> [*]');
  });

  it('labels transitions with their event and guard', () => {
    expect(text).toContain('fixture_idle --> fixture_working : GO [isOk]');
    expect(text).toContain('fixture_idle --> fixture_done : GO\n');
    expect(text).toContain('fixture_idle --> fixture_working : BIG [isBig(xl)]');
    expect(text).toContain('fixture_idle --> fixture_split : BOTH [(isOk && !isOk)]');
    expect(text).toContain('fixture_idle --> fixture_idle : PING');
    expect(text).toContain('fixture_idle --> fixture_split : after 1000ms');
    expect(text).toContain('fixture_working --> fixture_done : done');
    expect(text).toContain('fixture_working --> fixture_done : always [tooLate]');
    expect(text).toContain('fixture_working_step1 --> fixture_working_step2 : NEXT');
    expect(text).toContain('fixture --> fixture_idle : RESET');
  });
});

describe('exportMachines', () => {
  it('writes <id>.json (the toJSON definition) and <id>.mmd for each machine', async () => {
    const dir = await tempDir();
    const written = await exportMachines(dir, [{ id: 'fixture', machine: fixture }]);
    expect(written.map((p) => basename(p))).toEqual(['fixture.json', 'fixture.mmd']);
    const json: unknown = JSON.parse(await readFile(join(dir, 'fixture.json'), 'utf8'));
    expect(json).toEqual(JSON.parse(JSON.stringify(fixture.toJSON())));
    expect(json).toMatchObject({
      id: 'fixture',
      states: { working: { states: { step2: { type: 'final' } } } },
    });
    checkMermaid(await readFile(join(dir, 'fixture.mmd'), 'utf8'), fixture);
  });

  it('exports the production machines (not the test actor), the lead machine with every status', async () => {
    const dir = await tempDir();
    const written = await exportMachines(join(dir, 'nested', 'out'));
    const names = written.map((p) => basename(p));
    expect(names.sort()).toEqual(['lead.json', 'lead.mmd', 'probe.json', 'probe.mmd']);
    for (const { id, machine } of exportableMachines()) {
      const json = JSON.parse(await readFile(join(dir, 'nested', 'out', `${id}.json`), 'utf8')) as {
        id: string;
      };
      expect(json.id).toBe(machine.id);
      checkMermaid(await readFile(join(dir, 'nested', 'out', `${id}.mmd`), 'utf8'), machine);
    }
    const lead = await readFile(join(dir, 'nested', 'out', 'lead.mmd'), 'utf8');
    for (const status of leadStatuses) {
      expect(lead).toContain(`state "${status}"`);
    }
  });
});
