// What effect handlers are built from: the relay's dependencies plus its resolved options and clock.
import type { Bus } from '../../bus/bus.ts';
import type { Env } from '../../config/env.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Db } from '../../persistence/database.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { RelayOptions } from '../relay-options.ts';

export interface HandlerDeps {
  db: Db;
  /** For notices (the session channels announce delivered messages on their session's topic). */
  bus: Bus;
  env: Env;
  logger: Logger;
  mediaStore?: MediaStore;
  clock: () => Date;
  options: RelayOptions;
}
