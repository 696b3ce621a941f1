/**
 * @module A stand-in node agent for host-ports.test.ts: serves listener hand-offs on its IPC
 * channel (handed-listeners.ts), dialling for real. Exits when the parent disconnects.
 */
import { serveHandedListeners } from './handed-listeners.js';

serveHandedListeners(process, { log: () => undefined });
