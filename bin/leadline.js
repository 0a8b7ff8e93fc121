#!/usr/bin/env node
// The `leadline` command. The sources are TypeScript that Node runs directly (type stripping, on by default
// from Node 22.18), so there is no build step; on an older Node say so plainly instead of a syntax error.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `leadline needs Node.js 22.18 or newer; this is ${process.version}.\n` +
      'Run it through npm (`npm start`, `npx leadline …`), which uses the Node 22 installed in node_modules\n' +
      'by `npm install`, or install Node 22 LTS.\n',
  );
  process.exit(1);
}
await import('../src/cli/main.ts');
