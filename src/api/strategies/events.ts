/**
 * @module Events through both APIs (pkg/registry/core/event/strategy.go): ValidateEventCreate /
 * ValidateEventUpdate with the request's group version (validation/events.ts): core/v1 writes
 * get the legacy checks, events.k8s.io/v1 writes the strict ones. An events.k8s.io/v1 object is
 * validated in its core shape (conversion/events.ts), which upstream's field paths name.
 */
import { eventsV1ToCore } from '../conversion/events.js';
import type { Strategy } from '../strategy.js';
import { validateEventCreate, validateEventUpdate } from '../validation/events.js';

export const coreEventStrategy: Strategy = {
  validate: (obj) => validateEventCreate(obj, { strict: false }),
  validateUpdate: (next, prev) => validateEventUpdate(next, prev, { strict: false }),
};

export const eventsV1EventStrategy: Strategy = {
  validate: (obj) => validateEventCreate(eventsV1ToCore(obj), { strict: true }),
  validateUpdate: (next, prev) => validateEventUpdate(eventsV1ToCore(next), eventsV1ToCore(prev), { strict: true }),
};
