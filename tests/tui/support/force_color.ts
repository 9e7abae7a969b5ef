/**
 * Imported first by render tests: makes chalk emit styles even though the test's stdout is not
 * a terminal, so tests can tell colour from no colour.
 *
 * @module
 */

Deno.env.set("FORCE_COLOR", "1");
