// `leadline contacts import FILE --studio ID [--country GB]`: the same import as POST /admin/contacts/import,
// straight into the database (DATABASE_URL or the embedded one), with a progress bar (cli-progress) on a
// terminal and a line per bad row, so a file of 100,000 contacts shows how far it got and what it left out.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { readContacts } from '../campaigns/contact-source.ts';
import { countryCode } from '../campaigns/contact-source.ts';
import { importContacts } from '../campaigns/contact-import.ts';
import { loadStudioConfig } from '../studio/load-studio-config.ts';
import { CliError, commandLogger, loadEnv, openDatabase } from './cli-env.ts';

export interface ContactsImportOptions {
  studio: string;
  country?: string;
  json?: boolean;
}

export async function contactsImportCommand(file: string, options: ContactsImportOptions): Promise<void> {
  const { env } = await loadEnv();
  const studios = (await loadStudioConfig(env.LEADLINE_CONFIG)).studios;
  if (!studios.some((s) => s.id === options.studio)) {
    throw new CliError(
      `unknown studio "${options.studio}" (configured: ${studios.map((s) => s.id).join(', ')})`,
    );
  }
  const country = countryCode(options.country);
  if (options.country !== undefined && country === undefined) {
    throw new CliError(`unknown country "${options.country}" (an ISO 3166 code such as GB)`);
  }
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new CliError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const isJson = path.extname(file).toLowerCase() === '.json';
  let body: unknown = text;
  if (isJson) {
    try {
      body = JSON.parse(text) as unknown;
    } catch (error) {
      throw new CliError(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const read = readContacts(body);
  if (read === null) throw new CliError(`${file}: expected a JSON list of contacts or {"contacts": [...]}`);

  const { db, close } = await openDatabase(env, commandLogger());
  const bar = new cliProgress.SingleBar(
    { format: 'contacts [{bar}] {value}/{total} {percentage}%', noTTYOutput: false, stream: process.stdout },
    cliProgress.Presets.shades_classic,
  );
  const tty = process.stdout.isTTY;
  if (tty) bar.start(read.records.length, 0);
  try {
    const report = await importContacts(db, read, {
      studioId: options.studio,
      defaultCountry: country,
      onProgress: (done, total) => {
        if (tty) bar.update(done);
        else process.stdout.write(`contacts ${done}/${total}\n`);
      },
    });
    if (tty) bar.stop();
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    for (const e of report.errors) {
      process.stdout.write(`line ${e.line}${e.field === null ? '' : ` ${e.field}`}: ${e.message}\n`);
    }
    if (report.ignoredFields.length > 0) {
      process.stdout.write(`ignored columns: ${report.ignoredFields.join(', ')}\n`);
    }
    process.stdout.write(
      `${report.imported} new, ${report.updated} updated, ${report.failed} bad row(s) of ${report.received}.\n`,
    );
  } finally {
    if (tty) bar.stop();
    await close();
  }
}
