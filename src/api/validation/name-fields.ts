/**
 * @module A name-shaped field's errors at its path, as apimachinery's ValidateDNS1123Label,
 * ValidateDNS1123Subdomain and ValidateQualifiedName give them: one Invalid per message.
 */
import type { FieldError } from '../errors.js';
import { invalid } from './field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from './names.js';

export function validateDNS1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => invalid(path, value, m));
}

export function validateDNS1123Subdomain(value: string, path: string): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => invalid(path, value, m));
}

export function validateQualifiedName(value: string, path: string): FieldError[] {
  return isQualifiedName(value).map((m) => invalid(path, value, m));
}
