/**
 * @module The rules-sync cases that take minutes (sync.bench.ts says what is measured): full
 * and partial sync of 10,000 Services x 2 endpoints through the host's iptables when it is
 * iptables-nft — about 2 minutes per full load, once for the backend and once bare. Nothing
 * to do when the host's iptables is legacy (sync.bench.ts covers it).
 */
import { isSlowCase, runSyncCases } from './sync-cases.js';

await runSyncCases(isSlowCase, 'l');
