// The `leadline` command line (bin/leadline.js imports this). Each command lives in its own module, loaded
// only when run: `dead-letters list` should not pay for loading the gateway, the machines and the relay.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { exitWith } from './cli-env.ts';
import type { DeadLetterListOptions } from './dead-letters-command.ts';
import type { ContactsImportOptions } from './contacts-command.ts';
import type { DemoOptions } from './demo-command.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('leadline')
  .description('Per-lead actors for conversational lead funnels')
  .version(version, '-V, --version', 'print the version')
  .showHelpAfterError();

program
  .command('start')
  .description('run the system: gateway, actor worker, outbox relay and scheduler (by role)')
  .addOption(
    new Option('--role <role>', 'which part to run').choices(['all', 'gateway', 'worker']).default('all'),
  )
  .action(async (options: { role: string }) => (await import('./start-command.ts')).startCommand(options));

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => (await import('./migrate-command.ts')).migrateCommand());

program
  .command('machines')
  .description('state machine definitions')
  .command('export')
  .description('write each machine as JSON (Stately) and Mermaid')
  .option('--out <dir>', 'output directory', 'machines-export')
  .action(async (options: { out: string }) =>
    (await import('./machines-command.ts')).machinesExportCommand(options),
  );

const deadLetters = program.command('dead-letters').description('messages that failed after every retry');
deadLetters
  .command('list')
  .description('list dead letters, newest first')
  .option('--lead <leadId>', 'only this lead')
  .option('--pending', 'only those never replayed')
  .option('--limit <n>', 'at most this many', '100')
  .option('--json', 'print JSON')
  .action(async (options: DeadLetterListOptions) =>
    (await import('./dead-letters-command.ts')).deadLettersListCommand(options),
  );
deadLetters
  .command('replay')
  .description('put dead letters back on their leads’ streams')
  .argument('[ids...]', 'dead letter ids')
  .option('--all', 'every dead letter not replayed yet')
  .action(async (ids: string[], options: { all?: boolean }) =>
    (await import('./dead-letters-command.ts')).deadLettersReplayCommand(ids, options),
  );

const config = program.command('config').description('the studio configuration');
config
  .command('check')
  .description('validate a studio configuration and the environment production needs, without starting')
  .argument('[file]', 'the file (default: LEADLINE_CONFIG, else leadline.config.yaml)')
  .action(async (file: string | undefined) => (await import('./config-command.ts')).configCheckCommand(file));
config
  .command('schema')
  .description('print the studio configuration as JSON Schema (for editor completion)')
  .action(async () => {
    (await import('./config-command.ts')).configSchemaCommand();
  });

program
  .command('demo')
  .description('play a sample conversation through the running gateway and print the transcript')
  .option('--url <url>', 'gateway base URL (default http://127.0.0.1:$PORT)')
  .option('--phone <e164>', 'the lead’s phone number (default: a fresh test number)')
  .option('--studio <id>', 'studio id (default: the first configured)')
  .option(
    '--channel <channel>',
    'whatsapp, or sms (signed Twilio webhooks to the studio’s Twilio number)',
    'whatsapp',
  )
  .option('--timeout <ms>', 'wait this long for each message to be applied', '15000')
  .action(async (options: DemoOptions) => (await import('./demo-command.ts')).demoCommand(options));

program
  .command('contacts')
  .description('contacts of a studio (docs/contract.md §10)')
  .command('import')
  .description('import a CSV (header row) or JSON file of contacts as leads; bad rows are reported by line')
  .argument('<file>', 'a .csv or .json file')
  .requiredOption('--studio <id>', 'the studio the contacts belong to')
  .option('--country <code>', 'ISO 3166 country for numbers written without +country code, e.g. GB')
  .option('--json', 'print the report as JSON')
  .action(async (file: string, options: ContactsImportOptions) =>
    (await import('./contacts-command.ts')).contactsImportCommand(file, options),
  );

program
  .command('campaigns')
  .description('outbound campaigns (docs/contract.md §10)')
  .command('run')
  .description('start a run of a campaign and follow it until it is finished (the workers send)')
  .argument('<id>', 'campaign id')
  .option('--json', 'print the finished run as JSON')
  .action(async (id: string, options: { json?: boolean }) =>
    (await import('./campaigns-command.ts')).campaignsRunCommand(id, options),
  );

program
  .command('reconcile')
  .description(
    'reconcile every SMS number against its provider’s message history: deliver what never arrived by webhook',
  )
  .option('--hours <n>', 'how far back to read the history', '48')
  .option('--studio <id>', 'only this studio’s numbers')
  .option('--json', 'print the finished run as JSON')
  .action(async (options: { hours: string; studio?: string; json?: boolean }) =>
    (await import('./reconcile-command.ts')).reconcileCommand(options),
  );

program.parseAsync(process.argv).catch(exitWith);
