/** One reason an object is invalid: the field (dotted path, as kubectl prints it) and what is wrong. */
export interface ValidationIssue {
  path: string;
  message: string;
}
