// The black-box SMS suite (sms-suite.ts) against `leadline start` with NATS_URL set (its own nats-server).
import { smsSuite } from './sms-suite.ts';

smsSuite('nats');
