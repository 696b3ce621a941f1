/** @module The Store and LogDriver contracts, run against the memory backend. */

import { runLogDriverContract } from '../log/log-driver.contract.js';
import { runStoreContract } from '../store.contract.js';
import { runStoreModelCheck } from '../store-model.contract.js';
import { MemoryLog } from './memory-log.js';
import { openMemoryStore } from './memory-store.js';

runStoreContract({ name: 'memory', open: (options) => openMemoryStore(options) });
runLogDriverContract({ name: 'memory', open: () => new MemoryLog() });
runStoreModelCheck({ name: 'memory', open: (options) => openMemoryStore(options) });
runStoreModelCheck({ name: 'memory, group commit', open: (options) => openMemoryStore({ ...options, groupCommit: true }) });
