/** The shape of an ajv standalone validator function and the errors it leaves behind. */
export interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}
