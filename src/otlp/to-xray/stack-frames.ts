/**
 * Stack frames from an `exception.stacktrace` text, by `telemetry.sdk.language`, following the
 * Collector's cause.go parsers for the languages this daemon's users send most: Java (and PHP,
 * which formats like Java) with its "Caused by:" chain, JavaScript/Node.js (V8 format) and Python
 * (tracebacks, innermost frame last). Other languages keep the exception without frames.
 */
export interface StackFrame {
  path: string;
  line: number;
  label: string;
}

export interface ParsedStack {
  /** The top exception's frames; undefined when the language is not parsed. */
  frames: StackFrame[] | undefined;
  /** Chained causes, outermost first. */
  causes: { type: string; message: string; frames: StackFrame[] }[];
}

const NONE: ParsedStack = { frames: undefined, causes: [] };

export function parseStack(language: string, text: string): ParsedStack {
  switch (language) {
    case 'java':
    case 'php':
      return parseJava(text);
    case 'javascript':
    case 'nodejs':
    case 'webjs':
      return { frames: parseV8(text), causes: [] };
    case 'python':
      return { frames: parsePython(text), causes: [] };
    default:
      return NONE;
  }
}

function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** `\tat pkg.Class.method(File.java:42)`; `Caused by: Type: message` starts the next exception. */
function parseJava(text: string): ParsedStack {
  const [, ...rest] = lines(text); // the first line is the top-level message
  const result: ParsedStack = { frames: [], causes: [] };
  let current = result.frames!;
  for (const line of rest) {
    const frame = /^\tat (.+)\((.*)\)$/.exec(line);
    if (frame) {
      let label = frame[1];
      const slash = label.indexOf('/');
      if (slash >= 0) label = label.slice(slash + 1); // class loader or module prefix
      const [path, lineText] = splitOnce(frame[2], ':');
      current.push({ path, line: Number.parseInt(lineText ?? '0', 10) || 0, label });
    } else if (line.startsWith('Caused by: ')) {
      const [type, message] = splitOnce(line.slice('Caused by: '.length), ':');
      const next = { type, message: (message ?? '').replace(/^ /, ''), frames: [] as StackFrame[] };
      result.causes.push(next);
      current = next.frames;
    }
    // "... n more" and "Suppressed:" lines are skipped, as the Collector does
  }
  return result;
}

/** `    at label (path:line:col)` or `    at path:line:col`. */
function parseV8(text: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of lines(text).slice(1)) {
    if (!line.startsWith('    at ')) continue;
    const body = line.slice(7);
    const paren = /^(.*) \((.*)\)$/.exec(body);
    const label = paren ? paren[1] : '';
    let path = paren ? paren[2] : body;
    let lineNumber = 0;
    const position = /^(.*):(\d+):(\d+)$/.exec(path);
    if (position) {
      path = position[1];
      lineNumber = Number(position[2]);
    } else if (path.includes('native')) {
      path = 'native';
    }
    if (path || label || lineNumber) frames.push({ path, line: lineNumber, label });
  }
  return frames;
}

/** `  File "app.py", line 3, in handler` lines, innermost first (as X-Ray lists frames). */
function parsePython(text: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of lines(text)) {
    const m = /^ {2}File "(.*)", line (\d+), in (.*)$/.exec(line);
    if (m) frames.push({ path: m[1], line: Number(m[2]), label: m[3] });
  }
  return frames.reverse();
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
