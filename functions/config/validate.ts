import { Config } from './schema.ts';
import { parseJsonConfigWith, validateConfigWith } from './parse-config.ts';

/*
 * Config validation without the YAML parser: `load.ts` adds YAML text and files on top. The Lambda functions read
 * their config as JSON through this module (or, a view of it, through config-view.ts), so the YAML parser
 * (~110 KB minified) is not in their bundles.
 */

export { formatIssues, hasDuplicateKey } from './parse-config.ts';

/** Validates parsed config data; throws ConfigError naming every bad path. */
export function validateConfig(raw: unknown, source = 'config'): Config {
  return validateConfigWith(Config, raw, source);
}

/**
 * Parses and validates config given as JSON text (what the AWS functions read from SSM). Anything else, YAML
 * included, is refused with the command that converts it; a key given twice is refused as the YAML loader does.
 */
export function parseJsonConfig(text: string, source = 'config'): Config {
  return parseJsonConfigWith(Config, text, source);
}
