// Where a project's local state lives when LEADLINE_HOME is unset: the nearest `.leadline` directory from
// the working directory upwards (as git finds `.git`), else `./.leadline`. So `npx leadline demo` run from
// a subfolder finds the development secrets `npm start` wrote at the project root. The studio file's
// default (`leadline.config.yaml`) is looked for in the same project root. The search never leaves the
// npm project (the nearest directory with a package.json): a stray ~/.leadline or /tmp/.leadline must not
// capture every directory below it. Outside any npm project it is the working directory.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export const HOME_DIR_NAME = '.leadline';
export const DEFAULT_CONFIG_NAME = 'leadline.config.yaml';

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** `dir` and its ancestors up to the nearest one holding package.json; just `dir` when there is none. */
function withinProject(dir: string): string[] {
  const chain: string[] = [];
  for (let at = dir; ; at = path.dirname(at)) {
    chain.push(at);
    if (existsSync(path.join(at, 'package.json'))) return chain;
    if (path.dirname(at) === at) return [dir];
  }
}

/**
 * The nearest directory at or above `cwd`, inside its npm project, holding `.leadline/` or
 * `leadline.config.yaml`; else `cwd`.
 */
export function projectRoot(cwd: string = process.cwd()): string {
  const start = path.resolve(cwd);
  const found = withinProject(start).find(
    (dir) => isDirectory(path.join(dir, HOME_DIR_NAME)) || existsSync(path.join(dir, DEFAULT_CONFIG_NAME)),
  );
  return found ?? start;
}

/** The environment with LEADLINE_HOME made absolute (and found, when unset). */
export function withResolvedHome(source: NodeJS.ProcessEnv, cwd: string = process.cwd()): NodeJS.ProcessEnv {
  const given = source.LEADLINE_HOME;
  const home =
    given === undefined || given.trim() === ''
      ? path.join(projectRoot(cwd), HOME_DIR_NAME)
      : path.resolve(cwd, given);
  return { ...source, LEADLINE_HOME: home };
}
