// The orchestrator black-box suite (orchestrator-suite.ts) with `leadline start --role gateway` and
// `--role worker` as separate processes on a private nats-server: the answer comes back across processes.
import { orchestratorSuite } from './orchestrator-suite.ts';

orchestratorSuite('distributed');
