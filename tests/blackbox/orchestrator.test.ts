// The orchestrator black-box suite (orchestrator-suite.ts) with one `leadline start` on the in-process bus.
import { orchestratorSuite } from './orchestrator-suite.ts';

orchestratorSuite('single');
