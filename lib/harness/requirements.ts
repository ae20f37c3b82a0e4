import { REQUIREMENT_ANNOTATION } from './finding.ts';

/**
 * Annotations naming the requirement IDs a test verifies, for
 * `test(title, { annotation: requirements(...) }, body)`.
 */
export function requirements(...ids: string[]): { type: string; description: string }[] {
  if (ids.length === 0) throw new TypeError('a conformance test must name at least one requirement ID');
  return ids.map((id) => ({ type: REQUIREMENT_ANNOTATION, description: id }));
}
