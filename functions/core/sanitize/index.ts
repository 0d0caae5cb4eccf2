export { createSanitizer } from './create-sanitizer.ts';
export type { Sanitizer, SanitizerOptions } from './create-sanitizer.ts';
export { SECRET_PATTERNS, applyPattern, redactPatterns } from './patterns.ts';
export type { SecretPattern } from './patterns.ts';
export { DEFAULT_ANNOTATION_ALLOWLIST, DEFAULT_LABEL_ALLOWLIST, MAX_VALUE_LENGTH, hashValue } from './labels.ts';
export { DEFAULT_MIN_SECRET_LENGTH, MIN_ENCODED_SECRET_LENGTH, secretForms } from './literals.ts';
export { isSensitiveKey } from './keys.ts';
export { looksHighEntropy, shannonEntropy } from './entropy.ts';
export { INVALID_URL, REDACTED } from './marker.ts';
