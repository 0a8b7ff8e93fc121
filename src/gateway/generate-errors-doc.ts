// Writes docs/errors.md from the error catalogue. Run from the repository root.
import { writeFileSync } from 'node:fs';
import { renderErrorsMarkdown } from './errors-doc.ts';

writeFileSync('docs/errors.md', renderErrorsMarkdown());
