// The black-box contract suite (contract-suite.ts) against `leadline start` with NATS_URL set: the same
// conversations, signatures and admin reads, with the inbox on NATS JetStream (a nats-server of its own).
import { contractSuite } from './contract-suite.ts';

contractSuite('nats');
