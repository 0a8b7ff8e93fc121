// The message API black-box suite (message-api-suite.ts) with `leadline start --role gateway` and
// `--role worker` as separate processes on a private nats-server: the reply comes back across processes.
import { messageApiSuite } from './message-api-suite.ts';

messageApiSuite('distributed');
