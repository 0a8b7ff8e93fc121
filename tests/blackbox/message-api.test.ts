// The message API black-box suite (message-api-suite.ts) against one `leadline start` process on the
// in-process bus.
import { messageApiSuite } from './message-api-suite.ts';

messageApiSuite('single');
