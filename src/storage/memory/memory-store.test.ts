/** @module The Store and LogDriver contracts, run against the memory backend. */

import { runLogDriverContract } from '../log/log-driver.contract.js';
import { runStoreContract } from '../store.contract.js';
import { MemoryLog } from './memory-log.js';
import { openMemoryStore } from './memory-store.js';

runStoreContract({ name: 'memory', open: (options) => openMemoryStore(options) });
runLogDriverContract({ name: 'memory', open: () => new MemoryLog() });
