// The black-box SMS suite (sms-suite.ts) against `leadline start` on the in-process bus.
import { smsSuite } from './sms-suite.ts';

smsSuite('single');
