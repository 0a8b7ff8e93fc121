// The black-box contract suite (contract-suite.ts) against `leadline start` in single-node mode.
import { contractSuite } from './contract-suite.ts';

contractSuite('single');
