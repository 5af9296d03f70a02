// Reads the flags an app accepts from its --help text (the format of @pod-identity/platform's
// formatHelp): a header line per flag ("  --name, --alias type"), description lines indented below, and
// an optional trailing "(one of: a, b; default x; env NAME; required)".

export interface FlagInfo {
  /** Every accepted name, without dashes; the first is the main one. */
  readonly names: readonly string[];
  /** Value type ("string", "int", "duration", "list", ...); undefined for a boolean switch. */
  readonly type?: string;
  /** The description without the trailing metadata group. */
  readonly description: string;
  readonly defaultValue?: string;
  readonly env?: string;
  readonly choices?: readonly string[];
  readonly required: boolean;
}

const HEADER = /^ {2}(-{1,2}[A-Za-z0-9][\w.-]*(?:, -{1,2}[A-Za-z0-9][\w.-]*)*)(?: ([a-z]+))?\s*$/;

interface Meta {
  defaultValue?: string;
  env?: string;
  choices?: string[];
  required: boolean;
}

/** Parses "(one of: a, b; default x; env NAME; required)"; undefined when a part is not one of those. */
function parseMeta(group: string): Meta | undefined {
  const meta: Meta = { required: false };
  for (const part of group.split(';').map((p) => p.trim())) {
    const oneOf = /^one of: (.+)$/.exec(part);
    const dflt = /^default:? (.+)$/.exec(part);
    const env = /^env ([A-Z_][A-Z0-9_]*)$/.exec(part);
    if (oneOf) meta.choices = oneOf[1].split(',').map((c) => c.trim());
    else if (dflt) meta.defaultValue = dflt[1].replace(/^"(.*)"$/, '$1');
    else if (env) meta.env = env[1];
    else if (part === 'required') meta.required = true;
    else return undefined;
  }
  return meta;
}

function finish(names: string[], type: string | undefined, lines: string[]): FlagInfo {
  let description = lines.join(' ').replace(/\s+/g, ' ').trim();
  let meta: Meta = { required: false };
  const group = /\(([^()]*)\)\s*$/.exec(description);
  const parsed = group ? parseMeta(group[1]) : undefined;
  if (group && parsed) {
    meta = parsed;
    description = description.slice(0, group.index).trim();
  }
  return { names, type, description, ...meta };
}

/** The flags listed in a --help text, in their order (help and version included). */
export function parseHelp(text: string): FlagInfo[] {
  const flags: FlagInfo[] = [];
  let current: { names: string[]; type?: string; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      if (current) flags.push(finish(current.names, current.type, current.lines));
      current = { names: header[1].split(', ').map((n) => n.replace(/^-+/, '')), type: header[2], lines: [] };
    } else if (current && /^ {4,}\S/.test(line)) {
      current.lines.push(line.trim());
    } else if (current) {
      flags.push(finish(current.names, current.type, current.lines));
      current = undefined;
    }
  }
  if (current) flags.push(finish(current.names, current.type, current.lines));
  return flags;
}

/** Looks a flag up by any of its names. */
export function findFlag(flags: readonly FlagInfo[], name: string): FlagInfo | undefined {
  return flags.find((f) => f.names.includes(name));
}
