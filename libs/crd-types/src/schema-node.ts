/** One node of an OpenAPI v3 structural schema, as far as the CEL rule walker needs it. */
export interface JsonSchemaNode {
  type?: string;
  properties?: { [name: string]: JsonSchemaNode };
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  'x-kubernetes-validations'?: { rule: string; message?: string; fieldPath?: string }[];
  [key: string]: unknown;
}
