/**
 * Stack frames from an `exception.stacktrace` text, by `telemetry.sdk.language`, following the
 * Collector's cause.go parsers: Java (and PHP, which formats like Java) with its "Caused by:" chain,
 * JavaScript/Node.js (V8 format), Python (tracebacks, innermost frame last), .NET and Go. Other
 * languages keep the exception without frames.
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
      return parsePython(text);
    case 'dotnet':
      return { frames: parseDotnet(text), causes: [] };
    case 'go':
      return { frames: parseGo(text), causes: [] };
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
  // a cause's message may span lines: they are joined until its first frame, as the Collector does
  let causeMessage: { message: string } | undefined;
  for (const line of rest) {
    const frame = /^\tat (.+)\((.*)\)$/.exec(line);
    if (causeMessage && !frame) {
      causeMessage.message += line;
      continue;
    }
    causeMessage = undefined;
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
      causeMessage = next;
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
function parsePython(text: string): ParsedStack {
  // read bottom-up: the last line is the exception's message, frames come innermost last
  const all = text.split('\n');
  const result: ParsedStack = { frames: [], causes: [] };
  let current = result.frames!;
  for (let i = all.length - 2; i >= 0; i--) {
    const line = all[i];
    if (line.startsWith('  File ')) {
      const parts = line.split(',');
      if (parts.length === 3) {
        const lineNumber = parts[1].startsWith(' line ') ? Number.parseInt(parts[1].slice(6), 10) || 0 : 0;
        current.push({ path: parts[0].slice(8, -1), line: lineNumber, label: parts[2].startsWith(' in ') ? parts[2].slice(4) : '' });
      }
    } else if (line.startsWith(PYTHON_CHAINED)) {
      // the exception printed above this line was being handled: it is the cause
      let file = i - 1;
      while (file >= 0 && !all[file].startsWith('  File ')) file--;
      if (file < 0) return result;
      const message = all.slice(file + 2, i - 1).join('\n');
      const colon = message.indexOf(':');
      if (colon < 0) return result;
      const cause = { type: message.slice(0, colon), message: message.slice(colon + 2), frames: [] as StackFrame[] };
      result.causes.push(cause);
      current = cause.frames;
      i = file + 1; // the loop's i-- lands on that File line
    }
  }
  return result;
}

const PYTHON_CHAINED = 'During handling of the above exception, another exception occurred:';

/** `   at Label(args) in /path/File.cs:line 42`, or `   at Label(args)` without a file. */
function parseDotnet(text: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const raw of lines(text).slice(1)) {
    const line = raw.trim();
    if (!line.startsWith('at ')) continue;
    const inAt = line.indexOf(' in ');
    if (inAt >= 0) {
      const label = line.slice(3, inAt);
      let path = line.slice(inAt + 4).split(' in ')[0];
      let lineNumber = 0;
      const colon = path.lastIndexOf(':');
      if (colon >= 0) {
        let lineText = path.slice(colon + 1);
        if (lineText.startsWith('line')) lineText = lineText.slice(5);
        path = path.slice(0, colon);
        lineNumber = Number.parseInt(lineText, 10) || 0;
      }
      frames.push({ path, line: lineNumber, label });
    } else {
      const close = line.lastIndexOf(')');
      if (close >= 0) frames.push({ path: '', line: 0, label: line.slice(3, close + 1) });
    }
  }
  return frames;
}

/**
 * Go's `debug.Stack()` layout after the message line: a function line, then `\t/path/file.go:42 +0x1d`;
 * a `goroutine N [running]:` line is skipped. A frame whose file line does not parse keeps the
 * previous frame's path and line, as the Collector does.
 */
function parseGo(text: string): StackFrame[] {
  const all = lines(text);
  if (all[all.length - 1] === '') all.pop();
  const frames: StackFrame[] = [];
  let i = 1;
  if (i >= all.length) return frames;
  let path = '';
  let lineNumber = 0;
  for (;;) {
    if (/^goroutine.*\brunning\b.*:$/.test(all[i])) i++;
    const label = all[i] ?? '';
    const position = /([^:\s]+):(\d+)/.exec(all[++i] ?? '');
    if (position) [path, lineNumber] = [position[1], Number(position[2])];
    frames.push({ path, line: lineNumber, label });
    if (++i >= all.length) break;
  }
  return frames;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
