/**
 * @module Lease (coordination.k8s.io/v1, pkg/registry/coordination/lease/strategy.go): its spec
 * validated as ValidateLease / ValidateLeaseUpdate (validation/lease.ts), the same rules both ways.
 */
import type { Strategy } from '../strategy.js';
import { validateLeaseSpec } from '../validation/lease.js';

export const leaseStrategy: Strategy = {
  validate: validateLeaseSpec,
  validateUpdate: (next) => validateLeaseSpec(next),
};
