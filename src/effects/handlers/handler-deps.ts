// What effect handlers are built from: the relay's dependencies plus its resolved options and clock.
import type { Env } from '../../config/env.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Db } from '../../persistence/database.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { RelayOptions } from '../relay-options.ts';

export interface HandlerDeps {
  db: Db;
  env: Env;
  logger: Logger;
  mediaStore?: MediaStore;
  clock: () => Date;
  options: RelayOptions;
}
