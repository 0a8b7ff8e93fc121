// LEADLINE_HOME unset: the nearest .leadline from the working directory up, so `leadline demo` run from a
// subfolder of the project reads the development secrets `npm start` wrote at its root.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, withResolvedHome } from '../../src/config/home.ts';
import { applyDevDefaults } from '../../src/boot/dev-secrets.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'leadline-home-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('LEADLINE_HOME', () => {
  it('is found upwards from a subfolder, and the dev secrets with it', async () => {
    const project = path.join(root, 'project');
    const sub = path.join(project, 'src', 'deep');
    await mkdir(sub, { recursive: true });
    await writeFile(path.join(project, 'package.json'), '{}\n');
    const atRoot = await applyDevDefaults(withResolvedHome({}, project));
    expect(atRoot.file).toBe(path.join(project, '.leadline', 'dev-secrets.json'));

    const fromSub = withResolvedHome({}, sub);
    expect(fromSub.LEADLINE_HOME).toBe(path.join(project, '.leadline'));
    const again = await applyDevDefaults(fromSub);
    expect(again.env.ADMIN_API_KEY).toBe(atRoot.env.ADMIN_API_KEY);
  });

  it('a directory with leadline.config.yaml is a project root too; the search stays inside the npm project', async () => {
    const project = path.join(root, 'configured');
    await mkdir(path.join(project, 'docs'), { recursive: true });
    await writeFile(path.join(project, 'package.json'), '{}\n');
    await writeFile(path.join(project, 'leadline.config.yaml'), 'studios: []\n');
    expect(projectRoot(path.join(project, 'docs'))).toBe(project);
    // Outside an npm project only the working directory counts, whatever .leadline lies above it.
    await mkdir(path.join(root, '.leadline'), { recursive: true });
    const lonely = path.join(root, 'lonely');
    await mkdir(lonely);
    expect(projectRoot(lonely)).toBe(lonely);
  });

  it('a given LEADLINE_HOME is kept, made absolute against the working directory', () => {
    expect(withResolvedHome({ LEADLINE_HOME: 'state' }, root).LEADLINE_HOME).toBe(path.join(root, 'state'));
  });
});
